use leptos::prelude::*;
use programme::time::format_time_span;
use programme::{Activity, ProgrammeFilter};

use crate::AppRoute;
use crate::components::StarButton;

/// One activity in the programme list: a heading link, then the key facts in the
/// same order every time (time, place, format, organiser). A plain `<a>` (the
/// router still navigates in the page): the router's `A` would re-check every
/// card's link against the location on each keystroke of a search.
#[component]
pub fn ActivityCard(
    /// The activity to show.
    activity: Activity,
    /// The filter of the list, kept in the link so the way back returns to it.
    filter: Signal<ProgrammeFilter>,
) -> impl IntoView {
    let id = activity.id.clone();
    let href = move || {
        AppRoute::Activity {
            id: id.clone(),
            filter: filter.get(),
        }
        .path()
    };
    let cancelled = activity.is_cancelled();
    let time = format_time_span(&activity.starts_at, &activity.ends_at);
    let place = activity.place_label();
    // All of them: a search matches co-organisers too, and should show why.
    let organisers = activity.organiser_names();
    let organiser_label = if activity.organisers.len() > 1 {
        "Arrangörer"
    } else {
        "Arrangör"
    };
    view! {
        <article class="activity-card" class:activity-card--cancelled=cancelled data-id=activity.id.clone()>
            <h3 class="activity-card__title">
                <a href=href>
                    {cancelled.then(|| view! { <span class="badge badge--cancelled">"Inställd"</span>" " })}
                    {activity.title.clone()}
                </a>
            </h3>
            <dl class="facts">
                <div><dt>"Tid"</dt><dd>{time}</dd></div>
                <div><dt>"Plats"</dt><dd>{place}</dd></div>
                <div><dt>"Format"</dt><dd>{activity.format.label()}</dd></div>
                <div><dt>{organiser_label}</dt><dd>{organisers}</dd></div>
            </dl>
            <p class="activity-card__summary">{activity.summary.clone()}</p>
            <StarButton activity=activity.clone() />
        </article>
    }
}
