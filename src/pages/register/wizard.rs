//! The wizard for one draft: the step on screen, its errors, the way on, and
//! sending from the last step.

use std::time::Duration;

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use programme::FieldErrors;
use programme::draft::{Draft, Step};

use super::super::use_page_title;
use super::saver::DraftSaver;
use super::steps::{activity_step, contact_step, organiser_step, review_step, time_place_step};
use super::{EditionState, StorageWarning, sent_path, step_path};
use crate::api::Refusal;
use crate::components::form::{ErrorSummary, Errors, focus_id};
use crate::outbox::Outbox;
use crate::store::{self, OutboxEntry, OutboxState, StorageHealth};

/// The steps, with the current one marked.
#[component]
fn StepIndicator(draft_id: String, step: Memo<Option<Step>>) -> impl IntoView {
    let items = Step::ALL
        .into_iter()
        .map(|s| {
            let path = step_path(&draft_id, s);
            let current = move || step.get() == Some(s);
            view! {
                <li class:steps__current=current>
                    <a href=path aria-current=move || current().then_some("step")>
                        <span class="steps__number">{s.number()}</span>
                        <span class="visually-hidden">"Steg "{s.number()}": "</span>
                        {s.title()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="steps" aria-label="Stegen i anmälan">
            <ol>{items}</ol>
        </nav>
    }
}

/// The wizard for one draft.
#[component]
pub(super) fn Wizard(
    draft: Draft,
    step: Memo<Option<Step>>,
    edition: Memo<EditionState>,
) -> impl IntoView {
    let health = StorageHealth::use_context();
    let outbox = Outbox::use_context();
    let navigate = use_navigate();
    let location = use_location();
    let draft_id = draft.id.clone();
    let editing = draft.edit.clone();
    let is_edit = editing.is_some();
    let purpose = if is_edit {
        "Ändra anmälan"
    } else {
        "Anmäl en aktivitet"
    };
    let form = RwSignal::new(draft.form.clone());
    let errors: Errors = RwSignal::new(FieldErrors::default());
    let saver = DraftSaver::new(draft, health, form);
    let saver_sent = saver.sent_elsewhere;
    let id_for_notice = draft_id.clone();

    // A registration the server refused comes back with its reasons.
    let refused = store::outbox_entry(&draft_id).and_then(|entry| match entry.state {
        OutboxState::Refused { status, response } => {
            let refusal = Refusal::read(status, &response);
            Some((refusal.message, refusal.fields))
        }
        OutboxState::Waiting { .. } => None,
    });

    saver.keep_saved();
    {
        let saver = saver.clone();
        let refused_fields = refused.as_ref().map(|(_, fields)| fields.clone());
        Effect::new(move |previous: Option<Option<Step>>| {
            let current = step.get();
            if let Some(current) = current {
                saver.moved_to(current);
            }
            // A new step starts clean, except for what the server refused:
            // that stays beside its fields (and all of it in the review's
            // summary) until the registration is sent again.
            match &refused_fields {
                Some(fields) => {
                    let mut shown = fields.clone();
                    if current != Some(Step::Review) {
                        shown.0.retain(|f, _| Some(Step::of_field(f)) == current);
                    }
                    errors.set(shown);
                }
                None if previous.is_some() => errors.set(FieldErrors::default()),
                None => {}
            }
            // A link from the review page's error summary names a field: go to
            // it. Regression: read from the router's location, which has
            // moved by now; the window's may not have yet.
            let hash = location.hash.get_untracked();
            if let Some(target) = hash.strip_prefix('#').filter(|t| !t.is_empty()) {
                let target = js_sys::decode_uri_component(target)
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_else(|| target.to_owned());
                set_timeout(move || focus_id(&target), Duration::from_millis(50));
            }
            current
        });
    }
    use_page_title(move || {
        let title = step.get().map_or(purpose, Step::title);
        if errors.with(FieldErrors::is_empty) {
            format!("{title} – {purpose}")
        } else {
            format!("Fel: {title} – {purpose}")
        }
    });

    let current_edition = move || match edition.get_untracked() {
        EditionState::Ready(edition) => Some(edition),
        _ => None,
    };

    let id_for_links = draft_id.clone();
    let link_for = Callback::new(move |field: String| {
        let target = Step::of_field(&field);
        (Some(target) != step.get_untracked()).then(|| step_path(&id_for_links, target))
    });

    let id_for_submit = draft_id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(current), Some(edition)) = (step.get_untracked(), current_edition()) else {
            return;
        };
        let now = Utc::now();
        if current != Step::Review {
            let found = form.with_untracked(|f| f.validate_step(current, &edition, now));
            if found.is_empty() {
                errors.set(FieldErrors::default());
                if let Some(next) = current.next() {
                    navigate(&step_path(&id_for_submit, next), Default::default());
                }
            } else {
                errors.set(found);
            }
            return;
        }
        if store::is_sent_or_queued(&id_for_submit) {
            // Sent from another tab meanwhile: show where it stands.
            navigate(&sent_path(&id_for_submit), Default::default());
            return;
        }
        match form.with_untracked(|f| f.to_submission(&edition, now)) {
            Err(found) => errors.set(found),
            Ok(submission) => {
                saver.flush();
                outbox.enqueue(OutboxEntry {
                    id: id_for_submit.clone(),
                    title: submission.title.clone(),
                    body: serde_json::to_string(&submission)
                        .expect("a submission holds only strings, dates and enums"),
                    queued_at: store::now_ms(),
                    state: OutboxState::Waiting {
                        attempts: 0,
                        last_error: None,
                    },
                    edit: editing.clone(),
                });
                navigate(&sent_path(&id_for_submit), Default::default());
            }
        }
    };

    let id_for_back = draft_id.clone();
    let back = move || {
        step.get()
            .and_then(Step::previous)
            .map(|previous| step_path(&id_for_back, previous))
    };
    let id_for_review = draft_id.clone();

    view! {
        <p class="caption">
            {purpose}" – steg "{move || step.get().map_or(1, Step::number)}" av 5"
        </p>
        <h1>{move || step.get().map_or("", Step::title)}</h1>
        <StepIndicator draft_id=draft_id.clone() step />
        <StorageWarning />
        {move || saver_sent.get().then(|| view! {
            <div class="notice notice--warning" role="alert">
                <h2>"Anmälan är redan skickad"</h2>
                <p>
                    "Den här anmälan har skickats från en annan flik eller ett annat fönster. "
                    "Ändringar du gör här sparas inte."
                </p>
                <p><A href=sent_path(&id_for_notice)>"Se anmälan"</A></p>
            </div>
        })}
        {refused.map(|(message, _)| {
            view! {
                <div class="notice notice--error">
                    <h2>"Anmälan behöver ändras"</h2>
                    <p>{message}</p>
                    <p>"Rätta det som är markerat och skicka igen från sista steget."</p>
                </div>
            }
        })}
        <ErrorSummary errors link_for />
        <form class="wizard" novalidate on:submit=on_submit>
            {move || {
                let edition = current_edition();
                match step.get() {
                    Some(Step::Organiser) => organiser_step(form, errors).into_any(),
                    Some(Step::Activity) => activity_step(form, errors).into_any(),
                    Some(Step::TimePlace) => time_place_step(form, errors, edition).into_any(),
                    Some(Step::Contact) => contact_step(form, errors).into_any(),
                    Some(Step::Review) => review_step(form, errors, id_for_review.clone(), is_edit).into_any(),
                    None => ().into_any(),
                }
            }}
            <div class="wizard__actions">
                <button type="submit" class="button">
                    {move || match (step.get() == Some(Step::Review), is_edit) {
                        (true, false) => "Skicka anmälan",
                        (true, true) => "Skicka ändringen",
                        (false, _) => "Spara och fortsätt",
                    }}
                </button>
                {move || back().map(|path| view! { <A href=path attr:class="back-link">"Tillbaka"</A> })}
            </div>
            <p class="hint">"Det du skriver sparas automatiskt som utkast i den här webbläsaren."</p>
        </form>
    }
}
