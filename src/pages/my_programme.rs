//! `/mitt-program`: the activities the visitor starred, by day, with those
//! cancelled or gone since, and the whole selection as a calendar file made
//! in the browser (also offline).

use leptos::prelude::*;
use programme::ProgrammeFilter;
use programme::time::{capitalize_first, format_day, format_moment_ms};

use super::use_page_title;
use crate::api::ProgrammeResource;
use crate::components::{ActivityCard, AppLink, LoadError, Loading, MyProgramme};

#[component]
pub fn MyProgrammePage() -> impl IntoView {
    use_page_title(|| "Mitt program".to_owned());
    let resource = ProgrammeResource::use_context();
    let my = MyProgramme::use_context();
    let no_filter = Signal::stored(ProgrammeFilter::default());
    view! {
        <div class="page page--my-programme">
            <h1>"Mitt program"</h1>
            <p class="lead">
                "Stjärnmärk aktiviteter i programmet, så samlas de här. De sparas bara i den "
                "här webbläsaren och finns kvar även utan nätverk."
            </p>
            {move || match resource.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! {
                    <LoadError error=error on_retry=Callback::new(move |_| resource.refetch()) />
                }
                .into_any(),
                Some(Ok(data)) => {
                    let starred = my.list();
                    if starred.is_empty() {
                        return view! {
                            <p>
                                "Du har inte sparat några aktiviteter än. Tryck på "
                                <strong>"Mitt program"</strong>" vid en aktivitet i "
                                <AppLink href="/">"programmet"</AppLink>" för att spara den här."
                            </p>
                        }
                        .into_any();
                    }
                    let all = data.programme.activities();
                    // Each starred activity where it is in the programme, or gone.
                    let (mut found, mut gone) = (Vec::new(), Vec::new());
                    for starred in starred {
                        match all.iter().position(|a| a.id == starred.id) {
                            Some(i) => found.push(i),
                            None => gone.push(starred),
                        }
                    }
                    found.sort_unstable();
                    let cancelled = found.iter().filter(|&&i| all[i].is_cancelled()).count();
                    let chosen: Vec<programme::Activity> = found.iter().map(|&i| all[i].clone()).collect();
                    // Their whole records, for the calendar file and kept for
                    // opening each one offline.
                    let listed = chosen.clone();
                    let whole = LocalResource::new(move || crate::api::whole_records(chosen.clone()));
                    let edition = data.edition.name.clone();
                    let download = move |_| {
                        let activities = whole.get_untracked().unwrap_or_else(|| listed.clone());
                        download_calendar(&activities, &edition);
                    };
                    let days = data
                        .programme
                        .day_groups(&found)
                        .into_iter()
                        .map(|(day, items)| {
                            let cards = items
                                .into_iter()
                                .map(|i| view! { <li><ActivityCard activity=all[i].clone() filter=no_filter /></li> })
                                .collect_view();
                            view! {
                                <section class="day">
                                    <h2 class="day__heading">{capitalize_first(&format_day(day))}</h2>
                                    <ul class="activity-list">{cards}</ul>
                                </section>
                            }
                        })
                        .collect_view();
                    let gone_list = gone
                        .into_iter()
                        .map(|s| {
                            let when = format_moment_ms(s.starts_at_ms);
                            let id = s.id.clone();
                            view! {
                                <li class="draft">
                                    <p>{format!("”{}” ({when}) finns inte längre i programmet.", s.title)}</p>
                                    <button type="button" class="button button--secondary" on:click=move |_| my.forget(&id)>
                                        "Ta bort"<span class="visually-hidden">{format!(" ”{}” ur Mitt program", s.title)}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view();
                    let count = found.len();
                    view! {
                        <p class="result-count">
                            {if count == 1 {
                                "1 aktivitet sparad.".to_owned()
                            } else {
                                format!("{count} aktiviteter sparade.")
                            }}
                            {(cancelled > 0).then(|| format!(" {cancelled} av dem har ställts in."))}
                        </p>
                        {(count > 0).then(|| view! {
                            <p><button type="button" class="button button--secondary" on:click=download>
                                "Ladda ner Mitt program som kalenderfil (.ics)"
                            </button></p>
                        })}
                        {days}
                        {(!gone_list.is_empty()).then(|| view! {
                            <h2>"Inte längre i programmet"</h2>
                            <ul class="draft-list">{gone_list}</ul>
                        })}
                    }
                    .into_any()
                }
            }}
        </div>
    }
}

/// Builds the calendar file in the browser and hands it over as a download.
fn download_calendar(activities: &[programme::Activity], edition: &str) {
    use wasm_bindgen::JsCast;

    let site = window().location().origin().unwrap_or_default();
    let name = format!("Mitt program – {edition}");
    let info = programme::ical::CalendarInfo {
        name: &name,
        site: &site,
        // The browser's clock, without chrono's: the same, for fewer bytes.
        stamp: chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
            .unwrap_or_default(),
    };
    let text = programme::ical::calendar(activities, &info);
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/calendar;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(link) = document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        link.set_href(&url);
        link.set_download("mitt-program.ics");
        link.click();
    }
    // Let go of the file once the download has surely begun.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
}
