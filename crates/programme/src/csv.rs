//! The programme as a spreadsheet (CSV) for re-users.
//!
//! Written for Excel as it is set up in Sweden, where the comma is the
//! decimal sign and so the list separator is the semicolon: fields are
//! separated by `;`, the file starts with a UTF-8 byte order mark (without
//! it Excel reads å, ä and ö wrongly), and lines end in CRLF (RFC 4180). A
//! field holding `;`, `"` or a line break is quoted, with `"` doubled. A
//! text that would start with `=`, `+`, `-` or `@` gets an apostrophe in
//! front, so that a spreadsheet never runs it as a formula.

use crate::Activity;
use crate::time::to_stockholm;

/// The media type of the file.
pub const MEDIA_TYPE: &str = "text/csv; charset=utf-8";

/// The byte order mark that starts the file.
pub const BOM: &str = "\u{feff}";

/// The columns, in order.
pub const HEADER: &[&str] = &[
    "id",
    "titel",
    "sammanfattning",
    "start",
    "slut",
    "format",
    "plats",
    "gatuadress",
    "postnummer",
    "ort",
    "kommunkod",
    "länskod",
    "digital plattform",
    "arrangörer",
    "teman",
    "målgrupper",
    "språk",
    "kontaktperson",
    "kontakt e-post",
    "anmälan",
    "status",
    "skäl till inställning",
    "länk",
];

/// One field, quoted when it must be and kept from being a formula.
pub fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn push_row(out: &mut String, fields: &[String]) {
    let row: Vec<String> = fields.iter().map(|value| field(value)).collect();
    out.push_str(&row.join(";"));
    out.push_str("\r\n");
}

/// "2027-01-11 13:00", Stockholm time, as Excel reads a date and time.
fn moment(moment: &chrono::DateTime<chrono::FixedOffset>) -> String {
    to_stockholm(moment).format("%Y-%m-%d %H:%M").to_string()
}

/// The file: the byte order mark, the header and one row per activity;
/// `site` (without a trailing slash) makes each activity's link.
pub fn programme<'a>(activities: impl IntoIterator<Item = &'a Activity>, site: &str) -> String {
    let mut out = String::from(BOM);
    let header: Vec<String> = HEADER.iter().map(|name| (*name).to_owned()).collect();
    push_row(&mut out, &header);
    for activity in activities {
        let venue = activity
            .venue
            .as_ref()
            .filter(|_| activity.format.has_venue());
        let online = activity
            .online
            .as_ref()
            .filter(|_| activity.format.is_online());
        let venue_field =
            |pick: fn(&crate::Venue) -> &str| venue.map(pick).unwrap_or_default().to_owned();
        let join = |labels: Vec<&str>| labels.join(", ");
        push_row(
            &mut out,
            &[
                activity.id.clone(),
                activity.title.clone(),
                activity.summary.clone(),
                moment(&activity.starts_at),
                moment(&activity.ends_at),
                activity.format.label().to_owned(),
                venue_field(|v| &v.name),
                venue_field(|v| &v.street_address),
                venue_field(|v| &v.postal_code),
                venue_field(|v| &v.city),
                venue_field(|v| &v.municipality_code),
                activity.region_code.clone().unwrap_or_default(),
                online.map(|o| o.platform.clone()).unwrap_or_default(),
                activity.organiser_names(),
                join(activity.themes.iter().map(|t| t.label()).collect()),
                join(activity.audiences.iter().map(|a| a.label()).collect()),
                activity.language.clone(),
                activity.contact.name.clone(),
                activity.contact.email.clone(),
                activity.signup_url.clone().unwrap_or_default(),
                if activity.is_cancelled() {
                    "inställd".to_owned()
                } else {
                    "publicerad".to_owned()
                },
                activity
                    .cancellation_reason
                    .clone()
                    .filter(|_| activity.is_cancelled())
                    .unwrap_or_default(),
                crate::ical::activity_url(site, activity),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    #[test]
    fn fields_are_quoted_when_they_must_be_and_never_become_formulas() {
        assert_eq!(field("Umeå"), "Umeå");
        assert_eq!(field("a;b"), "\"a;b\"");
        assert_eq!(field("säger \"hej\""), "\"säger \"\"hej\"\"\"");
        assert_eq!(field("rad\nny rad"), "\"rad\nny rad\"");
        assert_eq!(field("=SUMMA(A1)"), "'=SUMMA(A1)");
        assert_eq!(field("-1"), "'-1");
        // A comma needs no quotes: it is not the separator.
        assert_eq!(field("a, b"), "a, b");
    }

    #[test]
    fn the_file_starts_with_the_bom_and_has_one_row_per_activity() {
        let mut activities = demo::activities(demo::sample_edition().starts_on, 12);
        activities[0].title = "Rad ett\nrad två; \"citat\"".into();
        let file = programme(&activities, "https://x.example");
        assert!(file.starts_with("\u{feff}id;titel;sammanfattning;start;slut;"));
        // Read back with the rules of RFC 4180 and the semicolon.
        let rows = parse(file.trim_start_matches(BOM));
        assert_eq!(rows.len(), 13);
        for (row, activity) in rows[1..].iter().zip(&activities) {
            assert_eq!(row.len(), HEADER.len());
            assert_eq!(row[0], activity.id);
            assert_eq!(row[1], activity.title);
            assert_eq!(
                row[HEADER.len() - 1],
                format!("https://x.example/aktivitet/{}", activity.id)
            );
        }
        assert!(file.ends_with("\r\n"));
    }

    /// A small RFC 4180 reader with `;`, for the test.
    fn parse(text: &str) -> Vec<Vec<String>> {
        let (mut rows, mut row, mut value) = (Vec::new(), Vec::new(), String::new());
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    value.push('"');
                }
                ('"', _) => quoted = !quoted,
                (';', false) => row.push(std::mem::take(&mut value)),
                ('\r', false) => {}
                ('\n', false) => {
                    row.push(std::mem::take(&mut value));
                    rows.push(std::mem::take(&mut row));
                }
                (c, _) => value.push(c),
            }
        }
        rows
    }
}
