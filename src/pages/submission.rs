//! `/anmalan/{id}#nyckel={token}`: a sent registration opened with its private
//! link. It shows where the activity stands and lets the organiser change it,
//! cancel it, or copy it into a new draft.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use programme::draft::{DraftForm, EditOf, Step};
use programme::time::{format_day, format_time_span, to_stockholm};
use programme::{ActivityStatus, submission::limits};

use super::register::{start_draft, step_path};
use super::use_page_title;
use crate::api::{ApiError, OrganiserView};
use crate::components::{AppLink, Loading};
use crate::store::{self, StorageHealth};

/// The token in a link's fragment: `#nyckel=…`.
fn token_in(hash: &str) -> Option<String> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    hash.strip_prefix("nyckel=")
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
}

/// What the status means for the organiser, in a sentence.
fn status_text(status: ActivityStatus) -> &'static str {
    match status {
        ActivityStatus::Pending => {
            "Väntar på granskning. När den är godkänd visas den i programmet."
        }
        ActivityStatus::Published => "Godkänd och publicerad i programmet.",
        ActivityStatus::Rejected => {
            "Inte godkänd för programmet. Du kan ändra den och skicka den igen."
        }
        ActivityStatus::Cancelled => "Inställd.",
    }
}

/// `/anmalan/{id}#nyckel={token}`.
#[component]
pub fn SubmissionPage() -> impl IntoView {
    use_page_title(|| "Din anmälan".to_owned());
    let params = use_params_map();
    let location = use_location();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    // Regression: the token was read from the window's address before the
    // router had moved there, so a click from "Mina anmälningar" found none.
    // The router's own location follows every navigation; a link without the
    // fragment still works in the browser that sent the registration.
    let token = Memo::new(move |_| {
        token_in(&location.hash.get())
            .or_else(|| store::sent_for_activity(&id.get()).map(|r| r.edit_token))
            .unwrap_or_default()
    });
    let reload = RwSignal::new(0u32);
    let status = LocalResource::new(move || {
        reload.track();
        let (id, token) = (id.get(), token.get());
        async move { crate::api::organiser_view(&id, &token).await }
    });
    view! {
        <div class="page page--narrow">
            <h1 id="din-anmalan" tabindex="-1">"Din anmälan"</h1>
            {move || match status.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Ok(view)) => {
                    view! { <Registration view token=token.get_untracked() reload /> }.into_any()
                }
                Some(Err(ApiError::Network)) => view! {
                    <div class="notice notice--error" role="alert">
                        <p>"Vi når inte servern just nu. Försök igen om en stund."</p>
                    </div>
                    <button type="button" class="button button--secondary" on:click=move |_| reload.update(|n| *n += 1)>
                        "Försök igen"
                    </button>
                }
                .into_any(),
                Some(Err(_)) => view! {
                    <div class="notice notice--error" role="alert">
                        <p>
                            "Vi hittar ingen anmälan för den här länken. Kontrollera att du har kopierat hela "
                            "länken, också delen efter #."
                        </p>
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}

/// The registration as the server has it, and what the organiser can do.
#[component]
fn Registration(view: OrganiserView, token: String, reload: RwSignal<u32>) -> impl IntoView {
    let health = StorageHealth::use_context();
    let navigate = use_navigate();
    // The local record follows what the server says.
    if let Some(record) = store::sent_for_activity(&view.id) {
        store::follow_server(record, &view, health);
    }
    let activity = view.activity.clone();
    let started = activity.starts_at <= Utc::now();
    let cancelled = view.status == ActivityStatus::Cancelled;
    let when = format!(
        "{}, {}",
        programme::time::capitalize_first(&format_day(
            to_stockholm(&activity.starts_at).date_naive()
        )),
        format_time_span(&activity.starts_at, &activity.ends_at)
    );
    let form = DraftForm::from_activity(&activity, &view.submitter_email);
    let edit = EditOf {
        activity_id: view.id.clone(),
        token: token.clone(),
        version: view.version,
    };
    let change = {
        let navigate = navigate.clone();
        let form = form.clone();
        move |_| {
            // A change already begun here is continued, not begun again.
            let path = match store::draft_editing(&edit.activity_id) {
                Some(draft) => step_path(&draft.id, draft.step),
                None => step_path(
                    &start_draft(form.clone(), Some(edit.clone()), health),
                    Step::Organiser,
                ),
            };
            navigate(&path, Default::default());
        }
    };
    let copy = {
        let template = form.as_template();
        move |_| {
            let id = start_draft(template.clone(), None, health);
            navigate(&step_path(&id, Step::Organiser), Default::default());
        }
    };
    let public = matches!(
        view.status,
        ActivityStatus::Published | ActivityStatus::Cancelled
    );
    let programme_link = format!("/aktivitet/{}", programme::filter::percent_encode(&view.id));
    view! {
        <dl class="facts facts--wide">
            <div><dt>"Aktivitet"</dt><dd>{view.title.clone()}</dd></div>
            <div><dt>"Tid"</dt><dd>{when}</dd></div>
            <div><dt>"Status"</dt><dd>{status_text(view.status)}</dd></div>
            {view.review_note.clone().filter(|_| view.status == ActivityStatus::Rejected).map(|note| view! {
                <div><dt>"Skäl"</dt><dd>{note}</dd></div>
            })}
            {activity.cancellation_reason.clone().filter(|_| cancelled).map(|reason| view! {
                <div><dt>"Förklaring"</dt><dd>{reason}</dd></div>
            })}
        </dl>
        {public.then(|| view! {
            <p><AppLink href=programme_link>"Se aktiviteten i programmet"</AppLink></p>
        })}
        {(!view.history.is_empty()).then(|| view! {
            <h2>"Vad har hänt"</h2>
            <ol class="history">
                {view.history.iter().map(|entry| view! {
                    <li><span class="hint">{entry.when()}</span><br />{entry.sentence()}</li>
                }).collect_view()}
            </ol>
        })}
        {match (started, cancelled) {
            (true, _) => view! {
                <p>"Aktiviteten har börjat, så den kan inte längre ändras eller ställas in."</p>
            }
            .into_any(),
            (false, true) => view! {
                <p>
                    "Aktiviteten är inställd och visas så i programmet. Blev det fel? Kontakta "
                    "Innovationsveckan, så kan vi ångra inställningen."
                </p>
            }
            .into_any(),
            (false, false) => view! {
                <h2>"Ändra"</h2>
                <p>"Du kan ändra allt i anmälan fram till att aktiviteten börjar."</p>
                <p><button type="button" class="button" on:click=change>"Ändra anmälan"</button></p>
                <CancelActivity id=view.id.clone() token reload />
            }
            .into_any(),
        }}
        <h2>"Använd som mall"</h2>
        <p>"Ska du ordna något liknande? Börja en ny anmälan med samma innehåll. Du väljer dag och tid."</p>
        <p><button type="button" class="button button--secondary" on:click=copy>"Använd som mall"</button></p>
        <p><A href="/utkast">"Mina anmälningar"</A></p>
    }
}

/// "Ställ in aktiviteten", after a question, with an optional reason.
#[component]
fn CancelActivity(id: String, token: String, reload: RwSignal<u32>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let ask = move |_| {
        asking.set(true);
        request_animation_frame(|| crate::components::form::focus_id("cancel-reason"));
    };
    let confirm = move |_| {
        let (id, token) = (id.clone(), token.clone());
        let text = reason.get_untracked();
        if text.trim().chars().count() > limits::CANCELLATION_REASON {
            failure.set(Some(format!(
                "Förklaringen får vara högst {} tecken.",
                limits::CANCELLATION_REASON
            )));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match crate::api::cancel_activity(&id, &token, &text).await {
                Ok(()) => {
                    reload.update(|n| *n += 1);
                    request_animation_frame(|| crate::components::form::focus_id("din-anmalan"));
                }
                Err(error) => {
                    busy.set(false);
                    failure.set(Some(error.message()));
                }
            }
        });
    };
    view! {
        <h2>"Ställ in"</h2>
        <p>
            "Blir aktiviteten inte av? Ställ in den, så står den kvar i programmet märkt som inställd, "
            "med din förklaring. En inställning kan inte ångras härifrån."
        </p>
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <p><button type="button" class="button button--secondary" on:click=ask>"Ställ in aktiviteten"</button></p>
            }
        >
            <div class="confirm" role="group" aria-labelledby="cancel-question">
                <p id="cancel-question"><strong>"Vill du ställa in aktiviteten?"</strong></p>
                {move || failure.get().map(|message| view! {
                    <div class="notice notice--error" role="alert"><p>{message}</p></div>
                })}
                <div class="field">
                    <label for="cancel-reason">"Förklaring till deltagarna (frivilligt)"</label>
                    <p class="hint" id="cancel-reason-hint">"Visas i programmet. Högst 1 000 tecken."</p>
                    <textarea
                        id="cancel-reason"
                        rows="3"
                        aria-describedby="cancel-reason-hint"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <button type="button" class="button button--danger" disabled=move || busy.get() on:click=confirm.clone()>
                    "Ja, ställ in aktiviteten"
                </button>
                <button type="button" class="button button--secondary" on:click=move |_| asking.set(false)>"Avbryt"</button>
            </div>
        </Show>
    }
}
