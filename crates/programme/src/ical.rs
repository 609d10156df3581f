//! Calendar files (iCalendar, RFC 5545) of activities, and links that put one
//! activity in Google Calendar or Outlook on the web.
//!
//! Times are written in UTC (`DTSTART:20270111T120000Z`), which every
//! calendar shows in its reader's own zone, so no VTIMEZONE is needed. Each
//! activity's UID is its id, stable across files and years; SEQUENCE is its
//! number of changes since registration, so a calendar that subscribed takes
//! a change or a cancellation (`STATUS:CANCELLED`) for what it is. Lines end
//! in CRLF and are folded at 75 octets, never inside a UTF-8 character.

use chrono::{DateTime, Utc};

use crate::Activity;
use crate::filter::percent_encode;

/// The media type of a calendar file.
pub const MEDIA_TYPE: &str = "text/calendar; charset=utf-8";

/// The longest line, in octets, without its CRLF.
const LINE_OCTETS: usize = 75;

/// What a calendar file is made from besides its activities.
#[derive(Debug, Clone)]
pub struct CalendarInfo<'a> {
    /// Shown as the calendar's name by programs that subscribe.
    pub name: &'a str,
    /// The site's address without a trailing slash, for each activity's URL.
    pub site: &'a str,
    /// When the information was last revised (DTSTAMP).
    pub stamp: DateTime<Utc>,
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF and a lone CR are one line break, like LF.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets (a continuation line
/// starts with a space, which counts), never inside a character, and ended
/// with CRLF. Control characters never get into a line, whatever field it
/// comes from: text values are escaped before, but an id or address is not.
fn push_line(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars().filter(|c| !c.is_control()) {
        let width = c.len_utf8();
        if used + width > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
}

/// A moment in UTC, "20270111T120000Z" (iCalendar's basic form) or, with
/// `extended`, "2027-01-11T12:00:00Z". Written by hand: chrono's `format`
/// would bring its whole formatting machinery into the programme's wasm.
fn utc_form(moment: &DateTime<impl chrono::TimeZone>, extended: bool) -> String {
    use chrono::{Datelike, Timelike};
    let m = moment.with_timezone(&Utc);
    let (date, time) = if extended { ("-", ":") } else { ("", "") };
    format!(
        "{:04}{date}{:02}{date}{:02}T{:02}{time}{:02}{time}{:02}Z",
        m.year(),
        m.month(),
        m.day(),
        m.hour(),
        m.minute(),
        m.second()
    )
}

fn utc(moment: &DateTime<impl chrono::TimeZone>) -> String {
    utc_form(moment, false)
}

fn utc_extended(moment: &DateTime<impl chrono::TimeZone>) -> String {
    utc_form(moment, true)
}

/// Where the activity is, in one line: the venue's address, the digital
/// channel, or both.
fn location(activity: &Activity) -> String {
    let venue = activity
        .venue
        .as_ref()
        .filter(|_| activity.format.has_venue())
        .map(|venue| {
            format!(
                "{}, {}, {} {}",
                venue.name, venue.street_address, venue.postal_code, venue.city
            )
        });
    let online = activity
        .online
        .as_ref()
        .filter(|_| activity.format.is_online())
        .map(|online| format!("Digitalt ({})", online.platform));
    match (venue, online) {
        (Some(venue), Some(online)) => format!("{venue} och {online}"),
        (Some(venue), None) => venue,
        (None, Some(online)) => online,
        (None, None) => "Digitalt".to_owned(),
    }
}

/// The page of an activity in the programme.
pub fn activity_url(site: &str, activity: &Activity) -> String {
    format!("{site}/aktivitet/{}", percent_encode(&activity.id))
}

/// The text of the event: summary, description, who organises it and
/// where to read more.
fn description(activity: &Activity, url: &str) -> String {
    let mut text = format!(
        "{}\n\n{}\n\nArrangör: {}",
        activity.summary,
        activity.description,
        activity.organiser_names()
    );
    if let Some(online) = activity
        .online
        .as_ref()
        .filter(|_| activity.format.is_online())
    {
        text.push_str(&format!("\nDigitalt: {}", online.url));
    }
    if let Some(reason) = activity
        .cancellation_reason
        .as_ref()
        .filter(|_| activity.is_cancelled())
    {
        text.insert_str(0, &format!("INSTÄLLD: {reason}\n\n"));
    }
    text.push_str(&format!("\n\nMer i programmet: {url}"));
    text
}

fn push_event(out: &mut String, activity: &Activity, info: &CalendarInfo<'_>) {
    let url = activity_url(info.site, activity);
    let summary = if activity.is_cancelled() {
        format!("Inställd: {}", activity.title)
    } else {
        activity.title.clone()
    };
    let categories: Vec<String> = activity
        .themes
        .iter()
        .map(|theme| escape_text(theme.label()))
        .collect();
    push_line(out, "BEGIN:VEVENT");
    push_line(out, &format!("UID:{}@innovationsveckan", activity.id));
    push_line(out, &format!("DTSTAMP:{}", utc(&info.stamp)));
    push_line(out, &format!("DTSTART:{}", utc(&activity.starts_at)));
    push_line(out, &format!("DTEND:{}", utc(&activity.ends_at)));
    push_line(
        out,
        &format!("SEQUENCE:{}", activity.version.saturating_sub(1)),
    );
    push_line(out, &format!("SUMMARY:{}", escape_text(&summary)));
    push_line(
        out,
        &format!("DESCRIPTION:{}", escape_text(&description(activity, &url))),
    );
    push_line(
        out,
        &format!("LOCATION:{}", escape_text(&location(activity))),
    );
    if !categories.is_empty() {
        push_line(out, &format!("CATEGORIES:{}", categories.join(",")));
    }
    push_line(out, &format!("URL:{url}"));
    push_line(
        out,
        if activity.is_cancelled() {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        },
    );
    push_line(out, "END:VEVENT");
}

/// A calendar file of `activities`.
pub fn calendar<'a>(
    activities: impl IntoIterator<Item = &'a Activity>,
    info: &CalendarInfo<'_>,
) -> String {
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, "PRODID:-//Innovationsveckan//Programmet//SV");
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, &format!("NAME:{}", escape_text(info.name)));
    push_line(
        &mut out,
        &format!("X-WR-CALNAME:{}", escape_text(info.name)),
    );
    // For programs that subscribe: look again every hour.
    push_line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    push_line(&mut out, "X-PUBLISHED-TTL:PT1H");
    for activity in activities {
        push_event(&mut out, activity, info);
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// A file name for a calendar of one activity: its title's [`slug`], then
/// `.ics`.
pub fn file_name(title: &str) -> String {
    format!("{}.ics", slug(title))
}

/// A text as a file name's stem: lower-case ASCII letters, digits and
/// dashes, at most 60 characters; "aktivitet" when nothing is left.
pub fn slug(title: &str) -> String {
    let mut name = String::new();
    for c in title.chars().map(crate::text::lower_char) {
        let c = match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
        if name.len() >= 60 {
            break;
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "aktivitet".to_owned()
    } else {
        name.to_owned()
    }
}

/// "Lägg till i Google Kalender": a link that opens the event in Google
/// Calendar, to save there.
pub fn google_calendar_link(activity: &Activity, site: &str) -> String {
    let url = activity_url(site, activity);
    format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}&details={}&location={}",
        percent_encode(&activity.title),
        utc(&activity.starts_at),
        utc(&activity.ends_at),
        percent_encode(&format!("{}\n\n{url}", activity.summary)),
        percent_encode(&location(activity)),
    )
}

/// "Lägg till i Outlook": a link that opens the event in Outlook on the web.
pub fn outlook_link(activity: &Activity, site: &str) -> String {
    let url = activity_url(site, activity);
    format!(
        "https://outlook.office.com/calendar/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&subject={}&startdt={}&enddt={}&body={}&location={}",
        percent_encode(&activity.title),
        percent_encode(&utc_extended(&activity.starts_at)),
        percent_encode(&utc_extended(&activity.ends_at)),
        percent_encode(&format!("{}\n\n{url}", activity.summary)),
        percent_encode(&location(activity)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    fn info() -> CalendarInfo<'static> {
        CalendarInfo {
            name: "Innovationsveckan 2027",
            site: "https://innovationsveckan.example",
            stamp: DateTime::parse_from_rfc3339("2027-01-02T08:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    fn sample() -> Activity {
        demo::activities(demo::sample_edition().starts_on, 1).remove(0)
    }

    /// The lines as a reader unfolds them.
    fn unfolded(file: &str) -> Vec<String> {
        file.replace("\r\n ", "")
            .split("\r\n")
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn text_is_escaped_as_rfc_5545_says() {
        assert_eq!(
            escape_text("a,b;c\\d\ne\r\nf\rg"),
            "a\\,b\\;c\\\\d\\ne\\nf\\ng"
        );
        assert_eq!(escape_text("tab\there"), "tabhere");
    }

    #[test]
    fn a_line_break_in_a_field_that_is_not_text_breaks_no_line() {
        // Regression (found by scripts/fuzz.sh): an id with a line break
        // went into UID as it was, and the file had a line of its own.
        let mut activity = sample();
        activity.id = "a1\r\nATTENDEE:x\u{1}".to_owned();
        let file = calendar([&activity], &info());
        let lines = unfolded(&file);
        assert!(
            lines
                .iter()
                .any(|l| l == "UID:a1ATTENDEE:x@innovationsveckan")
        );
        assert!(!lines.iter().any(|l| l.starts_with("ATTENDEE")), "{file}");
    }

    #[test]
    fn long_lines_fold_at_75_octets_and_never_inside_a_character() {
        let mut activity = sample();
        activity.title = format!(
            "Räksmörgås och åäö 🎉 {} – slut",
            "Innovationsveckan i Västerbotten 🎉 ".repeat(6)
        );
        activity.description = "Ö".repeat(400);
        let file = calendar([&activity], &info());
        assert!(file.ends_with("END:VCALENDAR\r\n"));
        for line in file.split("\r\n") {
            assert!(line.len() <= LINE_OCTETS, "{} octets: {line}", line.len());
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
        // Every line ends in CRLF: no bare LF anywhere.
        assert_eq!(file.matches('\n').count(), file.matches("\r\n").count());
        // Unfolded, the text is whole again.
        let lines = unfolded(&file);
        assert!(lines.contains(&format!("SUMMARY:{}", escape_text(&activity.title))));
    }

    #[test]
    fn a_cancelled_activity_says_so_and_a_changed_one_raises_its_sequence() {
        let mut activity = sample();
        let first = calendar([&activity], &info());
        assert!(unfolded(&first).contains(&"SEQUENCE:0".to_owned()));
        assert!(unfolded(&first).contains(&"STATUS:CONFIRMED".to_owned()));
        activity.status = crate::ActivityStatus::Cancelled;
        activity.cancellation_reason = Some("Sjuk talare".into());
        activity.version = 3;
        let lines = unfolded(&calendar([&activity], &info()));
        assert!(lines.contains(&"STATUS:CANCELLED".to_owned()));
        assert!(lines.contains(&"SEQUENCE:2".to_owned()));
        assert!(lines.iter().any(|l| l.starts_with("SUMMARY:Inställd: ")));
        // The UID stays whatever changes.
        let uid = format!("UID:{}@innovationsveckan", activity.id);
        assert!(lines.contains(&uid));
        assert!(unfolded(&first).contains(&uid));
    }

    #[test]
    fn a_whole_programme_reads_back_with_an_independent_parser() {
        let edition = demo::sample_edition();
        let mut activities = demo::activities(edition.starts_on, 40);
        activities[0].title = "Kommas, semikolon; snedstreck \\ och\nradbrytning 😀".into();
        let file = calendar(&activities, &info());
        let mut parser = ical::IcalParser::new(std::io::BufReader::new(file.as_bytes()));
        let parsed = parser.next().expect("one calendar").expect("it parses");
        assert_eq!(parsed.events.len(), 40);
        for (event, activity) in parsed.events.iter().zip(&activities) {
            let value = |name: &str| {
                event
                    .properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            assert_eq!(value("UID"), format!("{}@innovationsveckan", activity.id));
            assert_eq!(value("DTSTART"), utc(&activity.starts_at));
            assert_eq!(value("DTEND"), utc(&activity.ends_at));
            assert_eq!(value("DTSTAMP"), "20270102T080000Z");
            // The parser gives the escaped text; unescaping it gives the title.
            let summary = value("SUMMARY")
                .replace("\\n", "\n")
                .replace("\\,", ",")
                .replace("\\;", ";")
                .replace("\\\\", "\\");
            assert_eq!(
                summary.trim_start_matches("Inställd: "),
                activity.title,
                "{}",
                activity.id
            );
        }
    }

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(file_name("Öppna data i Umeå!"), "oppna-data-i-umea.ics");
        assert_eq!(file_name("🎉"), "aktivitet.ics");
    }

    #[test]
    fn the_calendar_links_carry_the_time_in_utc_and_the_text_encoded() {
        let activity = sample();
        let google = google_calendar_link(&activity, "https://x.example");
        assert!(
            google.starts_with("https://calendar.google.com/calendar/render?action=TEMPLATE&text=")
        );
        assert!(google.contains(&format!(
            "&dates={}/{}",
            utc(&activity.starts_at),
            utc(&activity.ends_at)
        )));
        assert!(!google.contains(' '));
        let outlook = outlook_link(&activity, "https://x.example");
        assert!(outlook.contains(&format!(
            "&startdt={}",
            percent_encode(&utc_extended(&activity.starts_at))
        )));
        assert_eq!(utc(&activity.starts_at).len(), 16);
        assert!(!outlook.contains(' '));
    }
}
