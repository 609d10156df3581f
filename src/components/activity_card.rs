use leptos::prelude::*;
use leptos_router::components::A;
use programme::time::format_time_span;
use programme::{Activity, ProgrammeFilter};

use crate::AppRoute;

/// One activity in the programme list: a heading link, then the key facts in the
/// same order every time (time, place, format, organiser).
#[component]
pub fn ActivityCard(
    /// The activity to show.
    activity: Activity,
    /// The filter of the list, kept in the link so the way back returns to it.
    filter: ProgrammeFilter,
) -> impl IntoView {
    let href = AppRoute::Activity {
        id: activity.id.clone(),
        filter,
    }
    .path();
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
        <article class="activity-card" class:activity-card--cancelled=cancelled>
            <h3 class="activity-card__title">
                <A href=href>
                    {cancelled.then(|| view! { <span class="badge badge--cancelled">"Inställd"</span>" " })}
                    {activity.title.clone()}
                </A>
            </h3>
            <dl class="facts">
                <div><dt>"Tid"</dt><dd>{time}</dd></div>
                <div><dt>"Plats"</dt><dd>{place}</dd></div>
                <div><dt>"Format"</dt><dd>{activity.format.label()}</dd></div>
                <div><dt>{organiser_label}</dt><dd>{organisers}</dd></div>
            </dl>
            <p class="activity-card__summary">{activity.summary.clone()}</p>
        </article>
    }
}
