use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use programme::submission::language_name;
use programme::time::{format_day, format_time_span, to_stockholm};
use programme::{Activity, ical, regions};

use super::{use_filter_from_query, use_page_title};
use crate::AppRoute;
use crate::api::{ApiError, ProgrammeResource};
use crate::components::{AppLink, LoadError, Loading, StarButton};

/// Everything about one activity, at `/aktivitet/{id}`. The programme the
/// app holds is the listing: the activity's whole record is fetched when its
/// page opens (and kept by the service worker for reading offline); the
/// server, rendering the page, has it at hand.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let resource = ProgrammeResource::use_context();
    let params = use_params_map();
    let filter = use_filter_from_query();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let complete = resource
        .get_untracked()
        .and_then(Result::ok)
        .is_some_and(|data| data.complete);
    let record = (!complete).then(|| {
        LocalResource::new(move || {
            let id = id();
            async move { crate::api::public_activity(&id).await }
        })
    });
    // `None` while loading; then the activity, or `None` inside when there
    // is no such activity.
    let activity = Memo::new(move |_| match resource.get()? {
        Err(error) => Some(Err(error)),
        Ok(data) if data.complete || !data.is_open => Some(Ok(data.programme.get(&id()).cloned())),
        Ok(_) => match record?.get()? {
            Ok(activity) => Some(Ok(Some(activity))),
            Err(ApiError::Status { status: 404, .. }) => Some(Ok(None)),
            Err(error) => Some(Err(error)),
        },
    });
    use_page_title(move || match activity.get() {
        Some(Ok(Some(a))) => a.title,
        Some(Ok(None)) => "Aktiviteten finns inte".to_owned(),
        _ => "Aktivitet".to_owned(),
    });
    let back = move || AppRoute::Programme(filter.get()).path();
    let retry = move |_| {
        resource.refetch();
        if let Some(record) = record {
            record.refetch();
        }
    };

    view! {
        <div class="page page--activity">
            <p class="back-link"><A href=back>"← Tillbaka till programmet"</A></p>
            {move || match activity.get() {
                None => view! {
                    <h1>"Aktiviteten"</h1>
                    <Loading />
                }
                .into_any(),
                Some(Err(error)) => view! {
                    <h1>"Aktiviteten"</h1>
                    <LoadError error=error on_retry=Callback::new(retry) />
                }
                .into_any(),
                Some(Ok(Some(activity))) => view! {
                    <ActivityDetails activity=activity />
                }
                .into_any(),
                Some(Ok(None)) => view! {
                    <h1>"Aktiviteten finns inte"</h1>
                    <p>"Den kan ha tagits bort, eller så är länken fel. Sök efter den i programmet."</p>
                }
                .into_any(),
            }}
        </div>
    }
}

fn join_labels<T: Copy>(items: &[T], label: fn(T) -> &'static str) -> String {
    items
        .iter()
        .map(|&item| label(item))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn ActivityDetails(activity: Activity) -> impl IntoView {
    let day = format_day(to_stockholm(&activity.starts_at).date_naive());
    let time = format_time_span(&activity.starts_at, &activity.ends_at);
    let cancelled = activity.is_cancelled();
    let paragraphs = activity
        .description
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| view! { <p>{p.trim().to_owned()}</p> })
        .collect_view();
    let venue = activity.venue.clone().map(|venue| {
        let municipality = regions::municipality(&venue.municipality_code);
        let county = municipality.and_then(|m| regions::county(m.county_code()));
        view! {
            <div><dt>"Plats"</dt><dd>
                {venue.name}<br />
                {venue.street_address}<br />
                {format!("{} {}", venue.postal_code, venue.city)}<br />
                {match (municipality, county) {
                    (Some(m), Some(c)) => format!("{}, {}", m.organisation_name(), c.name),
                    _ => String::new(),
                }}
            </dd></div>
        }
    });
    let online = activity.online.clone().map(|online| {
        view! {
            <div><dt>"Digitalt"</dt><dd>
                <a href=online.url.clone() rel="noopener noreferrer">{format!("Delta via {}", online.platform)}</a>
            </dd></div>
        }
    });
    let organisers = activity
        .organisers
        .iter()
        .map(|o| view! { <li>{o.name.clone()}" ("{o.kind.label().to_lowercase()}")"</li> })
        .collect_view();
    let features = join_labels(&activity.accessibility.features, |f| f.label());
    // Regression: this page had its own list and showed "fi" or "smi" raw.
    let language =
        language_name(&activity.language).map_or_else(|| activity.language.clone(), str::to_owned);
    let template = format!(
        "/anmal/mall/{}",
        programme::filter::percent_encode(&activity.id)
    );
    let contact = activity.contact.clone();
    // Past weeks keep their programme, but the contact is erased after the
    // retention time or on request.
    let contact_details = if contact.is_erased() {
        view! { <p>"Kontaktuppgifterna har tagits bort."</p> }.into_any()
    } else {
        view! {
            <p>
                {contact.name}<br />
                <a href=format!("mailto:{}", contact.email)>{contact.email.clone()}</a>
                {contact.phone.map(|phone| view! { <br />{phone} })}
            </p>
        }
        .into_any()
    };
    view! {
        <article class="activity">
            <h1>
                {cancelled.then(|| view! { <span class="badge badge--cancelled">"Inställd"</span>" " })}
                {activity.title.clone()}
            </h1>
            {cancelled.then(|| view! {
                <div class="notice notice--warning">
                    <p><strong>"Aktiviteten är inställd."</strong>" Den blir inte av som planerat."</p>
                    {activity.cancellation_reason.clone().map(|reason| view! {
                        <p>"Arrangörens förklaring: "{reason}</p>
                    })}
                </div>
            })}
            <p class="lead">{activity.summary.clone()}</p>
            <p><StarButton activity=activity.clone() /></p>
            <dl class="facts facts--wide">
                <div><dt>"Dag"</dt><dd>{day}</dd></div>
                <div><dt>"Tid"</dt><dd>{time}</dd></div>
                <div><dt>"Format"</dt><dd>{activity.format.label()}</dd></div>
                {venue}
                {online}
                <div><dt>"Språk"</dt><dd>{language}</dd></div>
                <div><dt>"Teman"</dt><dd>{join_labels(&activity.themes, |t| t.label())}</dd></div>
                <div><dt>"Målgrupp"</dt><dd>{join_labels(&activity.audiences, |a| a.label())}</dd></div>
            </dl>
            {(!cancelled).then(|| {
                let site = crate::Site::use_context().origin;
                let file = format!("/api/activities/{}.ics", programme::filter::percent_encode(&activity.id));
                view! {
                    <p class="calendar-links">
                        <a href=file download="">"Lägg i din kalender (.ics)"</a>
                        " · "
                        <a href=ical::google_calendar_link(&activity, &site) rel="noopener noreferrer">"Lägg till i Google Kalender"</a>
                        " · "
                        <a href=ical::outlook_link(&activity, &site) rel="noopener noreferrer">"Lägg till i Outlook"</a>
                    </p>
                }
            })}
            <h2>"Om aktiviteten"</h2>
            {paragraphs}
            {activity.signup_url.clone().map(|url| view! {
                <p><a class="button" href=url rel="noopener noreferrer">"Anmäl dig hos arrangören"</a></p>
            })}
            <h2>{if activity.organisers.len() > 1 { "Arrangörer" } else { "Arrangör" }}</h2>
            <ul>{organisers}</ul>
            <h2>"Tillgänglighet"</h2>
            <p>{if features.is_empty() { "Arrangören har inte angett något om tillgängligheten.".to_owned() } else { features }}</p>
            {activity.accessibility.note.clone().map(|note| view! { <p>{note}</p> })}
            <h2>"Kontakt"</h2>
            {contact_details}
            <h2>"Ska du ordna något liknande?"</h2>
            <p>
                "Börja en ny anmälan med innehållet i den här aktiviteten. Du väljer själv dag och "
                "tid och kan ändra allt innan du skickar."
            </p>
            <p><AppLink href=template class="button button--secondary">"Använd som mall"</AppLink></p>
        </article>
    }
}
