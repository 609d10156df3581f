use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use programme::ProgrammeFilter;
use programme::time::{capitalize_first, format_date_range, format_day, format_day_with_year};

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
    let noun = |n: usize| if n == 1 { "aktivitet" } else { "aktiviteter" };
    if filtered {
        format!("{matching} av {total} {} matchar dina filter.", noun(total))
    } else {
        format!("{total} {} i programmet.", noun(total))
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
    let shown = RwSignal::new(PAGE_SIZE);
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
                    {format!("Visa fler aktiviteter ({remaining} till)")}
                </button>
            }
        })
    };

    view! {
        <div class="page page--programme">
            <h1>{edition.name.clone()}</h1>
            <p class="lead">{format_date_range(edition.starts_on, edition.ends_on)}" · hela Sverige, fysiskt och digitalt"</p>
            <FilterBar filter=url_filter days=days on_change=on_change />
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
            // Busy while the list has not caught up with the filters yet.
            <div class="programme" aria-busy=move || (url_filter.with(|u| filter.with(|f| u != f))).to_string()>
                {empty}{list}{show_more}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::count_text;

    #[test]
    fn the_count_says_how_many_match_of_how_many() {
        assert_eq!(count_text(180, 180, false), "180 aktiviteter i programmet.");
        assert_eq!(
            count_text(3, 180, true),
            "3 av 180 aktiviteter matchar dina filter."
        );
        assert_eq!(count_text(1, 1, false), "1 aktivitet i programmet.");
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
    let host = window().location().host().unwrap_or_default();
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
