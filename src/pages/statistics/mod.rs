//! "Programmet i siffror" (`/statistik`): the programme's figures from
//! `GET /api/stats` as pictures — a bar per format, day, theme and audience,
//! a map of the 21 län — and the same figures as tables. Every picture is
//! decoration beside its table (`aria-hidden`), except the map, whose län are
//! links that open the programme filtered to them.

mod lan_outlines;

use leptos::prelude::*;
use programme::ProgrammeFilter;
use programme::activities_in_words as activities;
use programme::stats::{Count, Stats, percent, swedish_number};
use programme::time::{capitalize_first, format_date_range, format_day};

use super::use_page_title;
use crate::api::{self, EditionResource};
use crate::components::{AppLink, LoadError, Loading};
use crate::routes::AppRoute;

/// The shades of the map, from few activities to many (each a step darker;
/// the darkest three carry white-bordered län, all readable beside the table).
const SHADES: [&str; 5] = ["#dcebf5", "#a9cde6", "#6aa6cf", "#2f77ad", "#0b4f6c"];
/// A län without activities.
const NONE_SHADE: &str = "#f3f5f7";

/// `/statistik`.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    use_page_title(|| "Programmet i siffror".to_owned());
    let edition = EditionResource::use_context();
    let stats = LocalResource::new(api::stats);
    let lead = move || {
        edition.get().and_then(Result::ok).map(|e| {
            view! {
                <p class="lead">{format!("{}, {}", e.name, format_date_range(e.starts_on, e.ends_on))}</p>
            }
        })
    };
    view! {
        <div class="page page--statistics">
            <h1>"Programmet i siffror"</h1>
            {lead}
            {move || match stats.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! {
                    <LoadError error=error on_retry=Callback::new(move |_| stats.refetch()) />
                }
                .into_any(),
                Some(Ok(stats)) if stats.total == 0 => view! {
                    <div class="notice">
                        <h2>"Inga aktiviteter ännu"</h2>
                        <p>"Siffrorna visas när programmet har öppnat och har aktiviteter."</p>
                    </div>
                }
                .into_any(),
                Some(Ok(stats)) => view! { <Figures stats=stats /> }.into_any(),
            }}
        </div>
    }
}

/// The programme's address for one filter value: what a figure links to.
fn programme_link(param: &str, value: &str) -> String {
    let mut filter = ProgrammeFilter::default();
    // Values come from the server's own figures, which are valid keys.
    let _ = filter.set(param, value);
    AppRoute::Programme(filter).path()
}

#[component]
fn Figures(stats: Stats) -> impl IntoView {
    let total = stats.total;
    // One bar split in three, in the order of the list below it.
    let mut left = 0.0;
    let segments = stats
        .formats
        .iter()
        .enumerate()
        .map(|(i, format)| {
            let width = format.count as f64 * 100.0 / total as f64;
            let x = left;
            left += width;
            view! { <rect x=format!("{x:.2}") width=format!("{width:.2}") height="10" class=format!("share share--{i}") /> }
        })
        .collect_view();
    // Each format alone (the programme's "Digitalt" and "På plats" filters
    // also show the activities that are both, so these are not links).
    let format_items = stats
        .formats
        .iter()
        .enumerate()
        .map(|(i, format)| {
            view! {
                <li>
                    <span class=format!("swatch share--{i}") aria-hidden="true"></span>
                    {format!("{}: {} ({})", format.label, swedish_number(format.count), percent(format.count, total))}
                </li>
            }
        })
        .collect_view();
    let cancelled = (stats.cancelled > 0).then(|| {
        let text = if stats.cancelled == 1 {
            "Av dem är 1 inställd.".to_owned()
        } else {
            format!("Av dem är {} inställda.", swedish_number(stats.cancelled))
        };
        view! { <p>{text}</p> }
    });
    let days: Vec<(String, String, usize)> = stats
        .days
        .iter()
        .map(|d| {
            (
                capitalize_first(&format_day(d.day)),
                programme_link("day", &d.day.to_string()),
                d.count,
            )
        })
        .collect();
    let counts = |counts: &[Count], param: &'static str| -> Vec<(String, String, usize)> {
        counts
            .iter()
            .map(|c| (c.label.clone(), programme_link(param, &c.key), c.count))
            .collect()
    };
    let themes = counts(&stats.themes, "theme");
    let audiences = counts(&stats.audiences, "audience");
    view! {
        <section aria-labelledby="siffror-totalt">
            <h2 id="siffror-totalt">{format!("{} i programmet", activities(total))}</h2>
            {cancelled}
            <svg class="share-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                {segments}
            </svg>
            <ul class="share-list">{format_items}</ul>
        </section>
        <BarTable id="siffror-dag" heading="Per dag" column="Dag" rows=days />
        <section aria-labelledby="siffror-lan">
            <h2 id="siffror-lan">"Per län"</h2>
            <p>
                "Aktiviteter som hålls på en plats, även de som också går att följa digitalt. Välj "
                "ett län på kartan för att se dess aktiviteter i programmet. Aktiviteter som bara är "
                "digitala hör inte till något län."
            </p>
            <LanMap regions=stats.regions.clone() />
            <LanTable regions=stats.regions />
        </section>
        <BarTable id="siffror-tema" heading="Per tema" column="Tema" rows=themes />
        <BarTable id="siffror-malgrupp" heading="Per målgrupp" column="Målgrupp" rows=audiences />
        <p class="hint">
            "En aktivitet kan ha flera teman och målgrupper och räknas då under var och en av dem. "
            "Siffrorna finns också som "<AppLink href="/oppna-data">"öppna data"</AppLink>"."
        </p>
    }
}

/// A table of counts with a bar beside each: the label links to the
/// programme filtered to it.
#[component]
fn BarTable(
    id: &'static str,
    heading: &'static str,
    column: &'static str,
    rows: Vec<(String, String, usize)>,
) -> impl IntoView {
    let most = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    let rows = rows
        .into_iter()
        .map(|(label, href, count)| {
            let width = format!("{:.1}", count as f64 * 100.0 / most as f64);
            view! {
                <tr>
                    <th scope="row"><AppLink href=href>{label}</AppLink></th>
                    <td class="bar-cell">
                        <span class="number">{swedish_number(count)}</span>
                        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                            <rect width=width height="10" />
                        </svg>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby=id>
            <h2 id=id>{heading}</h2>
            <table class="figures" aria-labelledby=id>
                <thead>
                    <tr>
                        <th scope="col">{column}</th>
                        <th scope="col">"Aktiviteter"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The shade of a count on a map whose busiest län has `most`.
fn shade(count: usize, most: usize) -> &'static str {
    if count == 0 || most == 0 {
        return NONE_SHADE;
    }
    let step = (count * SHADES.len()).div_ceil(most).clamp(1, SHADES.len());
    SHADES[step - 1]
}

/// The ranges of the legend: "1–5", "6–10" … for the shades in use.
fn legend(most: usize) -> Vec<(&'static str, String)> {
    let mut steps = vec![(NONE_SHADE, "0".to_owned())];
    let mut low = 1;
    for (i, colour) in SHADES.iter().enumerate() {
        // The highest count that still gets this shade.
        let high = most * (i + 1) / SHADES.len();
        if high >= low {
            let range = if high == low {
                swedish_number(low)
            } else {
                format!("{}–{}", swedish_number(low), swedish_number(high))
            };
            steps.push((*colour, range));
            low = high + 1;
        }
    }
    steps
}

/// Sweden's 21 län, shaded by their number of activities, each a link to
/// the programme filtered to it, named with its count. Drawn as one SVG
/// string: an `<a>` inside an `<svg>` must be SVG's own element.
#[component]
fn LanMap(regions: Vec<Count>) -> impl IntoView {
    let most = regions.iter().map(|c| c.count).max().unwrap_or(0);
    let mut svg = format!(
        "<svg class=\"map\" viewBox=\"{}\" role=\"group\" aria-label=\"Karta över Sveriges län\">",
        lan_outlines::VIEW_BOX
    );
    for outline in &lan_outlines::OUTLINES {
        let Some(count) = regions.iter().find(|c| c.key == outline.code) else {
            continue;
        };
        // Names and keys are the domain's own (no markup in them); the
        // escaping is for safety all the same.
        let name = escape(&format!("{}: {}", count.label, activities(count.count)));
        svg.push_str(&format!(
            "<a href=\"{}\" aria-label=\"{name}\" data-region=\"{}\"><title>{name}</title><path d=\"{}\" fill=\"{}\"/></a>",
            escape(&programme_link("region", &count.key)),
            escape(&count.key),
            outline.path,
            shade(count.count, most),
        ));
    }
    svg.push_str("</svg>");
    let steps = legend(most)
        .into_iter()
        .map(|(colour, range)| {
            view! {
                <li>
                    <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">
                        <rect width="10" height="10" fill=colour />
                    </svg>
                    {range}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="map-wrap">
            <div class="map-box" inner_html=svg></div>
            <div class="map-legend">
                <p id="karta-forklaring">"Antal aktiviteter med en plats i länet"</p>
                <ul aria-labelledby="karta-forklaring">{steps}</ul>
            </div>
        </div>
    }
}

/// The map's figures for screen readers and anyone who prefers a table.
#[component]
fn LanTable(regions: Vec<Count>) -> impl IntoView {
    let total: usize = regions.iter().map(|c| c.count).sum();
    let rows = regions
        .into_iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.label}</th>
                    <td class="number">{swedish_number(c.count)}</td>
                    <td class="number">{percent(c.count, total)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="lan-table">
            <table class="figures">
                <caption>"Aktiviteter med en plats, per län"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Län"</th>
                        <th scope="col" class="number">"Aktiviteter"</th>
                        <th scope="col" class="number">"Andel"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Text made safe for an SVG attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_go_from_light_to_dark_with_the_count() {
        assert_eq!(shade(0, 20), NONE_SHADE);
        assert_eq!(shade(1, 20), SHADES[0]);
        assert_eq!(shade(4, 20), SHADES[0]);
        assert_eq!(shade(5, 20), SHADES[1]);
        assert_eq!(shade(20, 20), SHADES[4]);
    }

    #[test]
    fn the_legend_covers_every_count_once() {
        let steps = legend(20);
        assert_eq!(steps[0].1, "0");
        assert_eq!(steps[1].1, "1–4");
        assert_eq!(steps.last().unwrap().1, "17–20");
        // Few activities: no empty ranges.
        let few = legend(2);
        assert_eq!(
            few.iter().map(|s| s.1.as_str()).collect::<Vec<_>>(),
            ["0", "1", "2"]
        );
        // Each count gets the shade its range says.
        for most in [1, 2, 3, 7, 20, 150] {
            for (colour, range) in legend(most).into_iter().skip(1) {
                let (low, high) = range
                    .split_once('–')
                    .map(|(l, h)| (l.parse::<usize>().unwrap(), h.parse::<usize>().unwrap()))
                    .unwrap_or_else(|| (range.parse().unwrap(), range.parse().unwrap()));
                for count in low..=high {
                    assert_eq!(shade(count, most), colour, "{count} of {most}");
                }
            }
        }
    }
}
