//! Stockholm time and Swedish date formatting.
//!
//! Sweden follows the EU summer-time rule: UTC+2 from the last Sunday of March
//! 01:00 UTC to the last Sunday of October 01:00 UTC, UTC+1 otherwise. That rule
//! is a few lines here, instead of a time-zone database in the WebAssembly app.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike, Utc,
};

const WINTER_SECONDS: i32 = 3600;
const SUMMER_SECONDS: i32 = 2 * 3600;

/// Swedish weekday names, Monday first, written in lower case as Swedish does.
pub const WEEKDAYS: [&str; 7] = [
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
];

/// Swedish month names, January first.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("the first of a month is a valid date");
    let last = first_of_next.pred_opt().expect("a day before exists");
    let back = last.weekday().num_days_from_sunday();
    last - Duration::days(i64::from(back))
}

/// Whether Swedish summer time is in force at this UTC moment.
fn is_summer_time(utc: NaiveDateTime) -> bool {
    let year = utc.year();
    let one_am = NaiveTime::from_hms_opt(1, 0, 0).expect("01:00 is a valid time");
    let begins = last_sunday(year, 3).and_time(one_am);
    let ends = last_sunday(year, 10).and_time(one_am);
    utc >= begins && utc < ends
}

/// The Stockholm UTC offset at a UTC moment.
pub fn offset_at(utc: NaiveDateTime) -> FixedOffset {
    let seconds = if is_summer_time(utc) {
        SUMMER_SECONDS
    } else {
        WINTER_SECONDS
    };
    FixedOffset::east_opt(seconds).expect("the offset is within a day")
}

/// The same moment, expressed in Stockholm time.
pub fn to_stockholm<Tz: TimeZone>(moment: &DateTime<Tz>) -> DateTime<FixedOffset> {
    let utc = moment.naive_utc();
    offset_at(utc).from_utc_datetime(&utc)
}

/// The moment a Stockholm wall-clock time stands for. In the hour that does not
/// exist in spring the winter offset is used; in the hour that happens twice in
/// autumn, the first (summer-time) one.
pub fn stockholm(date: NaiveDate, time: NaiveTime) -> DateTime<FixedOffset> {
    let local = date.and_time(time);
    let summer = FixedOffset::east_opt(SUMMER_SECONDS).expect("valid offset");
    let winter = FixedOffset::east_opt(WINTER_SECONDS).expect("valid offset");
    let as_summer = local - Duration::seconds(i64::from(SUMMER_SECONDS));
    let offset = if is_summer_time(as_summer) {
        summer
    } else {
        winter
    };
    offset
        .from_local_datetime(&local)
        .single()
        .expect("a fixed offset maps every local time once")
}

/// Reads "2026-10-05". Written by hand rather than with chrono's general parser,
/// which would cost the WebAssembly app kilobytes for formats it never sees.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        digits(&text[0..4])? as i32,
        digits(&text[5..7])?,
        digits(&text[8..10])?,
    )
}

/// Reads an RFC 3339 moment with a UTC offset: "2026-10-05T09:00:00+02:00",
/// "2026-10-05T07:00:00Z", fractions of a second allowed.
pub fn parse_moment(text: &str) -> Option<DateTime<FixedOffset>> {
    let date = parse_date(text.get(0..10)?)?;
    if !matches!(text.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let clock = text.get(11..19)?;
    let (hour, minute, second) = match clock.as_bytes() {
        [_, _, b':', _, _, b':', _, _] => (
            digits(&clock[0..2])?,
            digits(&clock[3..5])?,
            digits(&clock[6..8])?,
        ),
        _ => return None,
    };
    let mut rest = &text[19..];
    let mut nanos = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        let mut value = digits(&fraction[..len.min(9)])?;
        for _ in len.min(9)..9 {
            value *= 10;
        }
        nanos = value;
        rest = &fraction[len..];
    }
    let offset_seconds = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (digits(&rest[1..3])?, digits(&rest[4..6])?);
            if minutes > 59 {
                return None;
            }
            let seconds = (hours * 3600 + minutes * 60) as i32;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    FixedOffset::east_opt(offset_seconds)?
        .from_local_datetime(&date.and_time(time))
        .single()
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Serde for RFC 3339 moments, reading with [`parse_moment`].
pub mod moment_serde {
    use chrono::{DateTime, FixedOffset};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        moment: &DateTime<FixedOffset>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_str(&moment.to_rfc3339())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        super::parse_moment(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("not an RFC 3339 time with offset: {text:?}"))
        })
    }
}

/// Serde for "YYYY-MM-DD" dates, reading with [`parse_date`].
pub mod date_serde {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        super::parse_date(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a YYYY-MM-DD date: {text:?}")))
    }
}

/// Today's date in Stockholm.
pub fn today_in_stockholm(now: DateTime<Utc>) -> NaiveDate {
    to_stockholm(&now).date_naive()
}

/// "måndag 5 oktober".
pub fn format_day(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        WEEKDAYS[date.weekday().num_days_from_monday() as usize],
        date.day(),
        MONTHS[date.month0() as usize]
    )
}

/// "mån 5": the short form of a day, for a row of days.
pub fn format_day_short(date: NaiveDate) -> String {
    let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
    let short: String = weekday.chars().take(3).collect();
    format!("{short} {}", date.day())
}

/// The first letter in upper case, for a date that starts a heading or sentence:
/// "Måndag 5 oktober" (month names stay in lower case, as Swedish writes them).
pub fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => std::iter::once(crate::text::upper_char(first))
            .chain(chars)
            .collect(),
        None => String::new(),
    }
}

/// "5 oktober 2026".
pub fn format_date(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// "måndag 5 oktober 2026".
pub fn format_day_with_year(date: NaiveDate) -> String {
    format!("{} {}", format_day(date), date.year())
}

/// "5–9 oktober 2026", or "28 september–2 oktober 2026" across months.
pub fn format_date_range(first: NaiveDate, last: NaiveDate) -> String {
    if first.year() != last.year() {
        format!("{}–{}", format_date(first), format_date(last))
    } else if first.month() != last.month() {
        format!(
            "{} {}–{}",
            first.day(),
            MONTHS[first.month0() as usize],
            format_date(last)
        )
    } else {
        format!("{}–{}", first.day(), format_date(last))
    }
}

/// "09.00", the time style Språkrådet recommends.
pub fn format_time(time: NaiveTime) -> String {
    format!("{:02}.{:02}", time.hour(), time.minute())
}

/// "26 november 2026 kl. 14.05", in Stockholm time, for a moment given in
/// milliseconds since 1970 (the browser's clock); "okänd tid" out of range.
pub fn format_moment_ms(ms: i64) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(moment) => {
            let local = to_stockholm(&moment);
            format!(
                "{} kl. {}",
                format_date(local.date_naive()),
                format_time(local.time())
            )
        }
        None => "okänd tid".to_owned(),
    }
}

/// "26 november 2026 kl. 14.05" for a moment written in RFC 3339 (as the
/// API writes them); the text itself when it is none.
pub fn format_moment_text(text: &str) -> String {
    DateTime::parse_from_rfc3339(text).map_or_else(
        |_| text.to_owned(),
        |moment| format_moment_ms(moment.timestamp_millis()),
    )
}

/// "09.00–10.30" in Stockholm time; "22.00–01.00 (dagen efter)" past midnight.
pub fn format_time_span(
    starts_at: &DateTime<FixedOffset>,
    ends_at: &DateTime<FixedOffset>,
) -> String {
    let start = to_stockholm(starts_at);
    let end = to_stockholm(ends_at);
    let span = format!("{}–{}", format_time(start.time()), format_time(end.time()));
    match (end.date_naive() - start.date_naive()).num_days() {
        0 => span,
        1 => format!("{span} (dagen efter)"),
        _ => format!("{span} ({})", format_day(end.date_naive())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_in_milliseconds_is_written_in_stockholm_time() {
        // 2026-11-26 13:05 UTC is 14.05 in Stockholm (winter time).
        let ms = Utc
            .with_ymd_and_hms(2026, 11, 26, 13, 5, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(format_moment_ms(ms), "26 november 2026 kl. 14.05");
        assert_eq!(format_moment_ms(i64::MAX), "okänd tid");
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn a_day_is_shortened_to_three_letters_and_its_date() {
        assert_eq!(format_day_short(date(2027, 1, 11)), "mån 11");
        assert_eq!(format_day_short(date(2027, 1, 15)), "fre 15");
        assert_eq!(format_day_short(date(2027, 1, 16)), "lör 16");
    }

    #[test]
    fn dates_and_moments_are_read_strictly() {
        assert_eq!(parse_date("2026-10-05"), Some(date(2026, 10, 5)));
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "26-10-05",
            "2026-10-5",
            "2026/10/05",
            "",
            "2026-10-05x",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let moment = parse_moment("2026-10-05T09:00:00+02:00").unwrap();
        assert_eq!(moment, stockholm(date(2026, 10, 5), time(9, 0)));
        assert_eq!(parse_moment("2026-10-05T07:00:00Z").unwrap(), moment);
        assert_eq!(
            parse_moment("2026-10-05T07:00:00.250Z")
                .unwrap()
                .timestamp_subsec_millis(),
            250
        );
        assert_eq!(
            parse_moment("2026-10-05T10:00:00-05:00")
                .unwrap()
                .offset()
                .local_minus_utc(),
            -5 * 3600
        );
        for bad in [
            "2026-10-05",
            "2026-10-05T09:00:00",
            "2026-10-05T25:00:00Z",
            "2026-10-05T09:00+02:00",
            "2026-10-05T09:00:00.Z",
        ] {
            assert_eq!(parse_moment(bad), None, "{bad}");
        }
        // What the server writes, the app reads back.
        assert_eq!(parse_moment(&moment.to_rfc3339()), Some(moment));
    }

    #[test]
    fn days_are_written_the_swedish_way() {
        assert_eq!(format_day(date(2026, 10, 5)), "måndag 5 oktober");
        assert_eq!(format_day(date(2026, 8, 17)), "måndag 17 augusti");
        assert_eq!(format_day(date(2026, 12, 13)), "söndag 13 december");
        assert_eq!(
            format_day_with_year(date(2027, 1, 1)),
            "fredag 1 januari 2027"
        );
        assert_eq!(format_date(date(2026, 3, 9)), "9 mars 2026");
        assert_eq!(
            capitalize_first(&format_day(date(2026, 10, 5))),
            "Måndag 5 oktober"
        );
    }

    #[test]
    fn date_ranges_name_the_month_once_when_they_can() {
        assert_eq!(
            format_date_range(date(2026, 10, 5), date(2026, 10, 9)),
            "5–9 oktober 2026"
        );
        assert_eq!(
            format_date_range(date(2026, 9, 28), date(2026, 10, 2)),
            "28 september–2 oktober 2026"
        );
        assert_eq!(
            format_date_range(date(2026, 12, 28), date(2027, 1, 1)),
            "28 december 2026–1 januari 2027"
        );
    }

    #[test]
    fn times_use_a_full_stop_and_an_en_dash() {
        let start = stockholm(date(2026, 10, 5), time(9, 0));
        let end = stockholm(date(2026, 10, 5), time(10, 30));
        assert_eq!(format_time_span(&start, &end), "09.00–10.30");
        let late = stockholm(date(2026, 10, 5), time(22, 0));
        let after_midnight = stockholm(date(2026, 10, 6), time(1, 0));
        assert_eq!(
            format_time_span(&late, &after_midnight),
            "22.00–01.00 (dagen efter)"
        );
    }

    #[test]
    fn stockholm_is_two_hours_ahead_in_summer_and_one_in_winter() {
        assert_eq!(
            stockholm(date(2026, 6, 1), time(12, 0))
                .offset()
                .local_minus_utc(),
            7200
        );
        assert_eq!(
            stockholm(date(2026, 12, 1), time(12, 0))
                .offset()
                .local_minus_utc(),
            3600
        );
        assert_eq!(
            stockholm(date(2026, 10, 5), time(9, 0)).to_rfc3339(),
            "2026-10-05T09:00:00+02:00"
        );
    }

    #[test]
    fn summer_time_switches_on_the_last_sundays_of_march_and_october() {
        // 2026: summer time from 29 March to 25 October.
        assert_eq!(last_sunday(2026, 3), date(2026, 3, 29));
        assert_eq!(last_sunday(2026, 10), date(2026, 10, 25));
        assert_eq!(
            stockholm(date(2026, 3, 29), time(1, 30))
                .offset()
                .local_minus_utc(),
            3600
        );
        assert_eq!(
            stockholm(date(2026, 3, 29), time(3, 30))
                .offset()
                .local_minus_utc(),
            7200
        );
        assert_eq!(
            stockholm(date(2026, 10, 25), time(1, 30))
                .offset()
                .local_minus_utc(),
            7200
        );
        assert_eq!(
            stockholm(date(2026, 10, 25), time(3, 30))
                .offset()
                .local_minus_utc(),
            3600
        );
    }

    #[test]
    fn a_utc_moment_is_shown_in_stockholm_time() {
        let utc = Utc.with_ymd_and_hms(2026, 10, 5, 22, 30, 0).unwrap();
        assert_eq!(today_in_stockholm(utc), date(2026, 10, 6));
        assert_eq!(to_stockholm(&utc).time(), time(0, 30));
        let winter = Utc.with_ymd_and_hms(2026, 11, 30, 23, 0, 0).unwrap();
        assert_eq!(today_in_stockholm(winter), date(2026, 12, 1));
    }
}
