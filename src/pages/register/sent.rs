//! What follows "Skicka anmälan": `/anmal/{draft}/skickad`, where a registration
//! stands (sent, waiting to be sent, or refused), and the status check of sent ones.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use programme::ActivityStatus;
use programme::draft::Step;

use super::super::use_page_title;
use super::{StorageWarning, step_path};
use crate::api::Refusal;
use crate::outbox::Outbox;
use crate::store::{self, OutboxState, Stage, StorageHealth};

/// `/anmal/{draft}/skickad`.
#[component]
pub fn SentPage() -> impl IntoView {
    let params = use_params_map();
    let draft_id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <div class="page page--narrow">
            {move || view! { <SentStatus draft_id=draft_id.get() /> }}
        </div>
    }
}

/// Where a sent registration stands: confirmed, waiting to be sent, or refused.
#[component]
pub(super) fn SentStatus(draft_id: String) -> impl IntoView {
    let outbox = Outbox::use_context();
    let health = StorageHealth::use_context();
    let id = draft_id.clone();
    let id_for_title = draft_id.clone();
    let state = Memo::new(move |_| {
        outbox.track();
        outbox.collect_delivered();
        store::stage(&id)
    });
    use_page_title(move || {
        match state.get() {
            Stage::Sent(record) if record.last_edit.as_deref() == Some(id_for_title.as_str()) => {
                "Ändringen är sparad"
            }
            Stage::Sent(_) => "Anmälan är skickad",
            Stage::Refused(_) => "Anmälan behöver ändras",
            Stage::Waiting(entry) if entry.edit.is_some() => "Ändringen väntar på att skickas",
            Stage::Waiting(_) => "Anmälan väntar på att skickas",
            Stage::Draft => "Anmälan finns inte",
        }
        .to_owned()
    });
    let retry = move |_| outbox.deliver();
    let id_for_back = draft_id.clone();
    let navigate = leptos_router::hooks::use_navigate();
    // Taken back, it is a draft again: back to its last step.
    let take_back = Callback::new(move |_| {
        outbox.take_back(&id_for_back);
        navigate(&step_path(&id_for_back, Step::Review), Default::default());
    });
    let announcement = move || match state.get() {
        Stage::Sent(_) => "Anmälan är skickad.",
        Stage::Refused(_) => "Anmälan behöver ändras.",
        _ => "",
    };
    view! {
        <p class="visually-hidden" role="status">{announcement}</p>
        <StorageWarning />
        {move || match state.get() {
            Stage::Sent(record) => {
                let link = format!("{}{}", window().location().origin().unwrap_or_default(), record.edit_path());
                let status_text = match record.status {
                    ActivityStatus::Published => "Aktiviteten är publicerad i programmet.",
                    _ => "Aktiviteten väntar nu på granskning. När den är godkänd visas den i programmet.",
                };
                let edited = record.last_edit.as_deref() == Some(draft_id.as_str());
                view! {
                    <h1>{if edited { "Ändringen är sparad" } else { "Tack! Anmälan är skickad" }}</h1>
                    <div class="notice notice--success">
                        <p><strong>{record.title.clone()}</strong></p>
                        <p>{status_text}</p>
                    </div>
                    <h2>"Din länk till anmälan"</h2>
                    <p id="edit-link-hint">
                        "Med länken kan du se hur det går med anmälan, också från en annan dator. "
                        "Spara den, och dela den bara med dem som ska kunna se anmälan. Den finns också "
                        "under Mina anmälningar i den här webbläsaren."
                    </p>
                    <div class="field">
                        <label for="edit-link">"Privat länk"</label>
                        <input id="edit-link" type="text" readonly aria-describedby="edit-link-hint" prop:value=link />
                    </div>
                    <p><A href="/utkast">"Mina anmälningar"</A>" · "<A href="/anmal">"Anmäl en aktivitet till"</A></p>
                }
                .into_any()
            }
            Stage::Waiting(entry) | Stage::Refused(entry) => {
                let is_edit = entry.edit.is_some();
                match entry.state {
                OutboxState::Refused { status, response } => {
                    let Refusal { message, fields } = Refusal::read(status, &response);
                    let items = fields
                        .iter()
                        .flat_map(|(field, codes)| {
                            codes.iter().map(move |c| programme::submission::error_message(field, *c))
                        })
                        .map(|m| view! { <li>{m}</li> })
                        .collect_view();
                    view! {
                        <h1>"Anmälan behöver ändras"</h1>
                        <div class="notice notice--error">
                            <p>{message}</p>
                            <ul>{items}</ul>
                        </div>
                        <p><A href=step_path(&entry.id, Step::Review) attr:class="button">"Ändra anmälan"</A></p>
                    }
                    .into_any()
                }
                OutboxState::Waiting { attempts, last_error } => view! {
                    <h1>{if is_edit { "Ändringen väntar på att skickas" } else { "Anmälan väntar på att skickas" }}</h1>
                    <div class="notice notice--warning">
                        <p>
                            {if attempts == 0 { "Anmälan skickas nu …" } else { "Vi har inte kunnat skicka anmälan än." }}
                        </p>
                        {last_error.map(|e| view! { <p>{e}</p> })}
                        <p>
                            {if health.0.get() {
                                "Den ligger sparad i den här webbläsaren och skickas automatiskt så snart det går, \
                                 också om du stänger sidan och öppnar den igen senare. Den skickas bara en gång."
                            } else {
                                "Den skickas automatiskt så snart det går, men bara medan sidan är öppen: \
                                 webbläsaren låter oss inte spara den. Stäng inte sidan förrän anmälan är skickad."
                            }}
                        </p>
                    </div>
                    <button type="button" class="button button--secondary" on:click=retry>"Försök skicka nu"</button>
                    <h2>"Vill du inte skicka den?"</h2>
                    <p>"Så länge servern inte har svarat kan du ta tillbaka anmälan. Den blir då ett utkast igen."</p>
                    <crate::components::ConfirmButton
                        label="Ta tillbaka anmälan".to_owned()
                        question="Vill du ta tillbaka anmälan? Den skickas inte, och du hittar den bland dina utkast.".to_owned()
                        confirm="Ja, ta tillbaka".to_owned()
                        on_confirm=take_back
                    />
                }
                .into_any(),
            }
            }
            Stage::Draft => view! {
                <h1>"Anmälan finns inte"</h1>
                <p>"Vi hittar ingen anmälan med den här adressen i den här webbläsaren."</p>
                <p><A href="/utkast">"Mina anmälningar"</A></p>
            }
            .into_any(),
        }}
    }
}

/// Starts a background check of a sent registration's status.
pub fn refresh_status(record: store::SentRecord, health: StorageHealth, changed: RwSignal<u32>) {
    spawn_local(async move {
        if let Ok(view) = crate::api::organiser_view(&record.id, &record.edit_token).await
            && store::follow_server(record, &view, health)
        {
            // The page that asked may be gone by now.
            changed.try_update(|n| *n += 1);
        }
    });
}
