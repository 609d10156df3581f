use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use programme::stats::swedish_number;
use programme::time::{
    capitalize_first, format_date_range, format_day, format_day_short, format_day_with_year,
    parse_date,
};
use programme::{ProgrammeFilter, activities_in_words};
use wasm_bindgen::JsCast;

use super::{use_filter_from_query, use_page_title};
use crate::api::{ProgrammeData, ProgrammeResource};
use crate::components::{ActivityCard, FilterBar, LoadError, Loading};
use crate::{AppRoute, PAGE_SIZE};

/// The programme of the current edition, day by day, with filters.
#[component]
pub fn ProgrammePage() -> impl IntoView {
    let resource = ProgrammeResource::use_context();
    use_page_title(move || match resource.get() {
        Some(Ok(data)) => data.edition.name.clone(),
        _ => "Programmet".to_owned(),
    });
    move || match resource.get() {
        None => view! {
            <div class="page">
                <h1>"Programmet"</h1>
                <Loading />
            </div>
        }
        .into_any(),
        Some(Err(error)) => view! {
            <div class="page">
                <h1>"Programmet"</h1>
                <LoadError error=error on_retry=Callback::new(move |_| resource.refetch()) />
            </div>
        }
        .into_any(),
        Some(Ok(data)) if !data.is_open => view! { <OpeningNotice data=data /> }.into_any(),
        Some(Ok(data)) => view! { <ProgrammeView data=data /> }.into_any(),
    }
}

/// Moves focus to the `index`th element matching `selector` once the page has
/// rendered, for a control that removes or moves itself when used.
fn focus_later(selector: &'static str, index: u32) {
    use wasm_bindgen::JsCast;
    request_animation_frame(move || {
        let element = document()
            .query_selector_all(selector)
            .ok()
            .and_then(|list| list.get(index))
            .and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}

/// What visitors see before the programme opens.
#[component]
fn OpeningNotice(data: Arc<ProgrammeData>) -> impl IntoView {
    let edition = &data.edition;
    view! {
        <div class="page">
            <h1>{edition.name.clone()}</h1>
            <p class="lead">{format_date_range(edition.starts_on, edition.ends_on)}</p>
            <div class="notice">
                <h2>"Programmet är inte publicerat än"</h2>
                <p>
                    "Programmet öppnar "
                    <strong>{format_day_with_year(edition.programme_opens_on)}</strong>
                    ". Välkommen tillbaka då!"
                </p>
            </div>
        </div>
    }
}

fn count_text(matching: usize, total: usize, filtered: bool) -> String {
    if filtered {
        format!(
            "{} av {} matchar dina filter.",
            swedish_number(matching),
            activities_in_words(total)
        )
    } else {
        format!("{} i programmet.", activities_in_words(total))
    }
}

/// "Filtrera", and how many filters are chosen: "Filtrera (2 valda)".
fn fold_text(filter: &ProgrammeFilter) -> String {
    // A kommun implies its län: one choice, not two.
    let chosen = filter.to_pairs().len() - usize::from(filter.municipality.is_some());
    match chosen {
        0 => "Filtrera".to_owned(),
        1 => "Filtrera (1 valt)".to_owned(),
        n => format!("Filtrera ({n} valda)"),
    }
}

/// Where in the list a visitor was when they opened an activity: kept in
/// the app's memory while it runs, so the back link and the browser's back
/// button return to the same place, with as many activities shown. (Kept in
/// memory rather than in sessionStorage: writing and reading it as text
/// would cost the programme's first load a kilobyte.)
struct Place {
    /// The filter's query string the place belongs to.
    query: String,
    shown: usize,
    scroll_y: f64,
    /// The activity opened, whose link gets focus again.
    id: String,
}

thread_local! {
    static PLACE: std::cell::RefCell<Option<Place>> = const { std::cell::RefCell::new(None) };
}

impl Place {
    fn save(self) {
        PLACE.with(|place| *place.borrow_mut() = Some(self));
    }

    /// The place kept for this filter, if any; it is used once.
    fn take(query: &str) -> Option<Place> {
        PLACE
            .with(|place| place.borrow_mut().take())
            .filter(|place| place.query == query)
    }

    /// Scrolls back and gives focus to the activity's link, once the list is
    /// on screen (and after the router's own scrolling and focusing).
    fn restore(self) {
        request_animation_frame(move || {
            request_animation_frame(move || {
                // Ids are the server's (letters, digits and dashes), kept
                // by our own click: safe inside the selector's quotes.
                let link = document()
                    .query_selector(&format!("[data-id=\"{}\"] h3 a", self.id))
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(link) = link {
                    let _ = link.focus();
                }
                window().scroll_to_with_x_and_y(0.0, self.scroll_y);
            });
        });
    }
}

/// The open programme: filters, the result count and the list by day.
#[component]
fn ProgrammeView(data: Arc<ProgrammeData>) -> impl IntoView {
    // The filters show the URL's filter at once; the list follows just after the
    // next paint, so a keystroke or a choice is answered before the list is
    // rebuilt (what keeps interactions fast on slow phones).
    let url_filter = use_filter_from_query();
    let filter = RwSignal::new(url_filter.get_untracked());
    let place = Place::take(&url_filter.with_untracked(ProgrammeFilter::to_query_string));
    let shown = RwSignal::new(place.as_ref().map_or(PAGE_SIZE, |p| p.shown.max(PAGE_SIZE)));
    if let Some(place) = place {
        place.restore();
    }
    // Following a card's link keeps the place to come back to.
    let folded = RwSignal::new(true);
    let keep_place = move |ev: leptos::ev::MouseEvent| {
        // A link opened in another tab or window leaves this page as it is.
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() || ev.button() != 0 {
            return;
        }
        let card = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .filter(|e| e.closest("a").ok().flatten().is_some())
            .and_then(|e| e.closest(".activity-card").ok().flatten());
        if let Some(id) = card.and_then(|c| c.get_attribute("data-id")) {
            Place {
                query: url_filter.with_untracked(ProgrammeFilter::to_query_string),
                shown: shown.get_untracked(),
                scroll_y: window().scroll_y().unwrap_or(0.0),
                id,
            }
            .save();
        }
    };
    Effect::new(move |_| {
        let next = url_filter.get();
        request_animation_frame(move || {
            set_timeout(
                move || {
                    // The page may have been left meanwhile.
                    if filter.try_with_untracked(|f| *f == next) == Some(false) {
                        // A new filter starts again from the first page.
                        shown.set(PAGE_SIZE);
                        filter.set(next);
                    }
                },
                std::time::Duration::ZERO,
            );
        });
    });
    let filter = Signal::from(filter);
    let navigate = use_navigate();
    let go = move |next: ProgrammeFilter, replace: bool| {
        navigate(
            &AppRoute::Programme(next).path(),
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let on_change = {
        let go = go.clone();
        Callback::new(move |(next, replace)| go(next, replace))
    };
    // Clearing removes the button that was used: focus goes to the search field,
    // where a visitor starts again, instead of being lost.
    let clear = Callback::new(move |()| {
        go(ProgrammeFilter::default(), false);
        // On a phone the search field may be folded away: unfold it first.
        folded.set(false);
        focus_later("#filter-sok", 0);
    });

    let matches = {
        let data = Arc::clone(&data);
        Memo::new(move |_| filter.with(|f| data.programme.filter_indices(f)))
    };
    let total = data.programme.activities().len();

    let days = data.edition.days().collect::<Vec<_>>();
    let edition = &data.edition;
    let groups = {
        let data = Arc::clone(&data);
        Memo::new(move |_| {
            matches.with(|hits| {
                data.programme
                    .day_groups(&hits[..hits.len().min(shown.get())])
            })
        })
    };
    let remaining = move || matches.with(Vec::len).saturating_sub(shown.get());
    // Keyed lists: a keystroke that keeps an activity in the result keeps its
    // card in the page, instead of building every card again.
    let list = {
        let data = Arc::clone(&data);
        view! {
            <For each=move || groups.with(|g| g.iter().map(|(day, _)| *day).collect::<Vec<_>>())
                key=|day| *day
                children=move |day| {
                    let data = Arc::clone(&data);
                    let heading_id = format!("dag-{day}");
                    let labelled_by = heading_id.clone();
                    let items = move || {
                        groups.with(|g| {
                            g.iter()
                                .find(|(d, _)| *d == day)
                                .map(|(_, items)| items.clone())
                                .unwrap_or_default()
                        })
                    };
                    view! {
                        <section class="day" aria-labelledby=labelled_by>
                            <h2 id=heading_id class="day__heading">{capitalize_first(&format_day(day))}</h2>
                            <ul class="activity-list">
                                <For each=items key=|i| *i children=move |i| {
                                    view! {
                                        <li>
                                            <ActivityCard activity=data.programme.activities()[i].clone() filter=filter />
                                        </li>
                                    }
                                } />
                            </ul>
                        </section>
                    }
                }
            />
        }
    };
    let empty = move || {
        matches.with(Vec::is_empty).then(|| {
            view! {
                <div class="notice empty">
                    <h2>"Inga aktiviteter matchar"</h2>
                    <p>"Prova att ta bort något filter eller att söka på något annat."</p>
                    <button type="button" class="button" on:click=move |_| clear.run(())>
                        "Rensa alla filter"
                    </button>
                </div>
            }
        })
    };
    let show_more = move || {
        let remaining = remaining();
        (remaining > 0).then(|| {
            view! {
                <button type="button" class="button button--secondary show-more"
                    on:click=move |_| {
                        let first_new = shown.get_untracked();
                        shown.update(|n| *n += PAGE_SIZE);
                        // The button moves down; focus goes to the first new card.
                        focus_later(".activity-card__title a", first_new as u32);
                    }>
                    {format!("Visa fler aktiviteter ({} till)", swedish_number(remaining))}
                </button>
            }
        })
    };

    view! {
        <div class="page page--programme">
            <h1>{edition.name.clone()}</h1>
            <p class="lead">
                {format_date_range(edition.starts_on, edition.ends_on)}
                <span class="lead__more">" · hela Sverige, på plats och digitalt"</span>
                " · "
                // Another app (om.html): an ordinary page load.
                <a href="/statistik" rel="external">"Programmet i siffror"</a>
            </p>
            // On a phone the filters fold away behind one button, so the
            // first activities are on the first screen.
            <button type="button" class="button button--secondary filters-toggle"
                aria-controls="filter-panel" aria-expanded=move || (!folded.get()).to_string()
                on:click=move |_| folded.update(|f| *f = !*f)>
                {move || url_filter.with(fold_text)}
            </button>
            <FilterBar filter=url_filter days=days.clone() on_change=on_change folded=folded />
            <div class="results-bar">
                <p class="result-count" role="status" aria-live="polite" aria-atomic="true">
                    {move || count_text(matches.with(Vec::len), total, !filter.with(ProgrammeFilter::is_empty))}
                </p>
                {move || (!url_filter.with(ProgrammeFilter::is_empty)).then(|| view! {
                    <button type="button" class="button button--link" on:click=move |_| clear.run(())>
                        "Rensa alla filter"
                    </button>
                })}
            </div>
            <CalendarExport filter=url_filter />
            <DayLinks days=days data=Arc::clone(&data) matches=matches shown=shown />
            // Busy while the list has not caught up with the filters yet.
            <div class="programme" on:click=keep_place
                aria-busy=move || (url_filter.with(|u| filter.with(|f| u != f))).to_string()>
                {empty}{list}{show_more}
            </div>
        </div>
    }
}

/// A row of links to the days of the week ("mån 11" … "fre 15"): each jumps
/// to its day in the list, showing more of the list first when the day is
/// further down than what is shown. Written as one piece of HTML with one
/// handler: a component per link would cost the WebAssembly kilobytes.
#[component]
fn DayLinks(
    days: Vec<chrono::NaiveDate>,
    data: Arc<ProgrammeData>,
    matches: Memo<Vec<usize>>,
    shown: RwSignal<usize>,
) -> impl IntoView {
    // The router leaves `rel="external"` links alone: the click is ours.
    let links: String = days
        .iter()
        .map(|day| {
            format!(
                "<li><a href=\"#dag-{day}\" rel=\"external\">{}</a></li>",
                format_day_short(*day)
            )
        })
        .collect();
    let jump = move |ev: leptos::ev::MouseEvent| {
        let href = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a").ok().flatten())
            .and_then(|a| a.get_attribute("href"));
        let Some(day) = href.and_then(|h| h.strip_prefix("#dag-").and_then(parse_date)) else {
            return;
        };
        ev.prevent_default();
        // A day without activities in the result has nowhere to go.
        let position =
            matches.with_untracked(|m| m.iter().position(|&i| data.programme.day_of(i) == day));
        let Some(position) = position else { return };
        if position >= shown.get_untracked() {
            shown.set(position + PAGE_SIZE);
        }
        request_animation_frame(move || {
            let heading = document()
                .get_element_by_id(&format!("dag-{day}"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(heading) = heading {
                let _ = heading.set_attribute("tabindex", "-1");
                let _ = heading.focus();
                heading.scroll_into_view();
            }
        });
    };
    view! {
        <nav class="day-links" aria-label="Hoppa till dag" on:click=jump>
            <ul inner_html=links></ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::{count_text, fold_text};
    use programme::ProgrammeFilter;

    #[test]
    fn the_count_says_how_many_match_of_how_many() {
        assert_eq!(count_text(180, 180, false), "180 aktiviteter i programmet.");
        assert_eq!(
            count_text(3, 180, true),
            "3 av 180 aktiviteter matchar dina filter."
        );
        assert_eq!(count_text(1, 1, false), "1 aktivitet i programmet.");
        assert_eq!(
            count_text(10_000, 10_000, false),
            "10\u{a0}000 aktiviteter i programmet."
        );
    }

    #[test]
    fn the_fold_says_how_many_filters_are_chosen() {
        assert_eq!(fold_text(&ProgrammeFilter::default()), "Filtrera");
        let mut filter = ProgrammeFilter::default();
        filter.set("format", "digital").unwrap();
        assert_eq!(fold_text(&filter), "Filtrera (1 valt)");
        filter.set("municipality", "0180").unwrap();
        filter.set("region", "01").unwrap();
        filter.set("q", "ai").unwrap();
        assert_eq!(fold_text(&filter), "Filtrera (3 valda)");
    }
}

/// The activities on screen into the visitor's calendar: a file of exactly
/// the filters in the URL, or a subscription to them that keeps itself up
/// to date.
#[component]
fn CalendarExport(filter: Memo<ProgrammeFilter>) -> impl IntoView {
    let query = move || {
        let query = filter.with(ProgrammeFilter::to_query_string);
        if query.is_empty() {
            query
        } else {
            format!("?{query}")
        }
    };
    let filtered = move || !filter.with(ProgrammeFilter::is_empty);
    let host = crate::Site::use_context().host;
    view! {
        <p class="calendar-export">
            <a href=move || format!("/api/activities.ics{}", query()) download="">
                {move || if filtered() { "Lägg urvalet i din kalender (.ics)" } else { "Lägg programmet i din kalender (.ics)" }}
            </a>
            " · "
            <a href=move || format!("webcal://{host}/api/activities.ics{}", query())>
                {move || if filtered() { "Prenumerera på urvalet" } else { "Prenumerera på programmet" }}
            </a>
        </p>
    }
}
