//! The programme in figures ("Programmet i siffror"): how many activities,
//! how they are attended, and per day, theme, audience and län. Every figure
//! but the formats is counted with the programme's own filter, so a number on
//! the statistics page is exactly the number of activities its link shows.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::filter::{Programme, ProgrammeFilter};
use crate::model::{ActivityFormat, Audience, Edition, Theme};
use crate::regions;

/// One bar of a chart: what is counted, in the words of the filter, and how
/// many activities it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    /// The filter's key: "digital", "data_ai", "staff", or a län code "01".
    pub key: String,
    /// In Swedish: "Digitalt", "Data och AI", "Stockholms län".
    pub label: String,
    pub count: usize,
}

/// The activities of one day of the week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCount {
    #[serde(with = "crate::time::date_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: NaiveDate,
    pub count: usize,
}

/// The body of `GET /api/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// Every activity in the programme, cancelled ones included (they stay in
    /// the list, marked).
    pub total: usize,
    /// Of which cancelled.
    pub cancelled: usize,
    /// Each format on its own (a hybrid activity is counted once, as hybrid):
    /// the three add up to `total`.
    pub formats: Vec<Count>,
    /// Every day of the week, first to last, by the day an activity starts.
    pub days: Vec<DayCount>,
    /// Every theme; an activity with two themes counts in both.
    pub themes: Vec<Count>,
    /// Every audience; an activity may count in several.
    pub audiences: Vec<Count>,
    /// Every one of the 21 län, by where activities are held on site (digital
    /// ones are in no län).
    pub regions: Vec<Count>,
}

impl Stats {
    /// The figures of a programme of the given edition.
    pub fn of(programme: &Programme, edition: &Edition) -> Self {
        let count = |filter: ProgrammeFilter| programme.filter_indices(&filter).len();
        // One bar per value, counted with the filter the value's link sets.
        let each = |values: Vec<(&str, &str)>, filter: fn(&str) -> ProgrammeFilter| {
            values
                .into_iter()
                .map(|(key, label)| Count {
                    key: key.to_owned(),
                    label: label.to_owned(),
                    count: count(filter(key)),
                })
                .collect()
        };
        let activities = programme.activities();
        let formats = ActivityFormat::ALL
            .iter()
            .map(|format| Count {
                key: format.key().to_owned(),
                label: format.label().to_owned(),
                count: activities.iter().filter(|a| a.format == *format).count(),
            })
            .collect();
        let days = edition
            .days()
            .map(|day| DayCount {
                day,
                count: count(ProgrammeFilter {
                    day: Some(day),
                    ..ProgrammeFilter::default()
                }),
            })
            .collect();
        let themes = each(
            Theme::ALL.iter().map(|t| (t.key(), t.label())).collect(),
            |key| ProgrammeFilter {
                theme: Theme::from_key(key),
                ..ProgrammeFilter::default()
            },
        );
        let audiences = each(
            Audience::ALL.iter().map(|a| (a.key(), a.label())).collect(),
            |key| ProgrammeFilter {
                audience: Audience::from_key(key),
                ..ProgrammeFilter::default()
            },
        );
        let regions = each(
            regions::counties()
                .iter()
                .map(|c| (c.code, c.name))
                .collect(),
            |code| ProgrammeFilter {
                region: Some(code.to_owned()),
                ..ProgrammeFilter::default()
            },
        );
        Stats {
            total: activities.len(),
            cancelled: activities.iter().filter(|a| a.is_cancelled()).count(),
            formats,
            days,
            themes,
            audiences,
            regions,
        }
    }

    /// The count of one format, by its key.
    pub fn format_count(&self, format: ActivityFormat) -> usize {
        self.formats
            .iter()
            .find(|c| c.key == format.key())
            .map_or(0, |c| c.count)
    }
}

/// A share in whole percent, the Swedish way: "33 %" (none of nothing is 0 %).
pub fn percent(part: usize, whole: usize) -> String {
    let share = (part * 100 + whole / 2).checked_div(whole).unwrap_or(0);
    format!("{share}\u{a0}%")
}

/// A count the Swedish way, thousands apart by a no-break space (so the
/// number never breaks over two lines): "180", "10 000" (a comma or a point
/// would read as decimals).
pub fn swedish_number(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    #[test]
    fn numbers_are_written_in_groups_of_three() {
        assert_eq!(swedish_number(0), "0");
        assert_eq!(swedish_number(180), "180");
        assert_eq!(swedish_number(1000), "1\u{a0}000");
        assert_eq!(swedish_number(10_000), "10\u{a0}000");
        assert_eq!(swedish_number(1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(percent(1, 3), "33\u{a0}%");
        assert_eq!(percent(2, 3), "67\u{a0}%");
        assert_eq!(percent(0, 0), "0\u{a0}%");
    }

    #[test]
    fn the_figures_add_up_to_the_list_and_match_its_filters() {
        // Several weeks of the demo edition, so the property does not hang on
        // one calendar.
        for offset in [0, 7, 23, 140, 300] {
            let today = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + chrono::Days::new(offset);
            let edition = demo::edition_for(today);
            let activities = demo::activities(edition.starts_on, 180);
            let programme = Programme::new(activities);
            let stats = Stats::of(&programme, &edition);
            let all = programme.activities();
            assert_eq!(stats.total, all.len());
            assert!(stats.total > 0);
            assert_eq!(
                stats.cancelled,
                all.iter().filter(|a| a.is_cancelled()).count()
            );
            assert_eq!(
                stats.formats.iter().map(|c| c.count).sum::<usize>(),
                all.len()
            );
            // Every activity starts on one day of the week.
            assert_eq!(stats.days.iter().map(|d| d.count).sum::<usize>(), all.len());
            assert_eq!(stats.days.len(), edition.days().count());
            // Each activity held on site is in exactly one län; digital ones in none.
            let on_site = all.iter().filter(|a| a.municipality().is_some()).count();
            assert_eq!(
                stats.regions.iter().map(|c| c.count).sum::<usize>(),
                on_site
            );
            assert_eq!(stats.regions.len(), 21);
            // A theme's count is the number of activities that carry it.
            for count in &stats.themes {
                let theme = Theme::from_key(&count.key).unwrap();
                assert_eq!(
                    count.count,
                    all.iter().filter(|a| a.themes.contains(&theme)).count()
                );
            }
            let theme_total: usize = all.iter().map(|a| a.themes.len()).sum();
            assert_eq!(
                stats.themes.iter().map(|c| c.count).sum::<usize>(),
                theme_total
            );
            let audience_total: usize = all.iter().map(|a| a.audiences.len()).sum();
            assert_eq!(
                stats.audiences.iter().map(|c| c.count).sum::<usize>(),
                audience_total
            );
            // Each format alone: hybrid ones are neither of the others.
            assert_eq!(
                stats.format_count(ActivityFormat::Hybrid),
                all.iter()
                    .filter(|a| a.format == ActivityFormat::Hybrid)
                    .count()
            );
        }
    }
}
