//! `/utkast` (the person's drafts, registrations waiting to be sent, and those
//! sent, in this browser) and `/anmalan/{id}` (a sent registration, opened with
//! its private link).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use programme::draft::Step;
use programme::{ActivityStatus, time};

use super::register::{StorageWarning, refresh_status, sent_path, step_path};
use super::use_page_title;
use crate::outbox::Outbox;
use crate::store::{self, OutboxState, StorageHealth};

/// "26 november kl. 14.05", in Stockholm time.
fn format_changed(ms: i64) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(moment) => {
            let local = time::to_stockholm(&moment);
            format!(
                "{} kl. {}",
                time::format_date(local.date_naive()),
                time::format_time(local.time())
            )
        }
        None => "okänd tid".to_owned(),
    }
}

/// A button that asks before it deletes.
#[component]
fn DeleteWithConfirmation(
    /// What is deleted, for the question and the button's name.
    what: String,
    on_delete: Callback<()>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    let ask_ref = NodeRef::<leptos::html::Button>::new();
    let ask = move |_| {
        asking.set(true);
        request_animation_frame(move || {
            if let Some(button) = confirm_ref.get_untracked() {
                let _ = button.focus();
            }
        });
    };
    let cancel = move |_| {
        asking.set(false);
        request_animation_frame(move || {
            if let Some(button) = ask_ref.get_untracked() {
                let _ = button.focus();
            }
        });
    };
    let question = format!("Vill du ta bort {what}? Det går inte att ångra.");
    let hidden = format!(" {what}");
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class="button button--link" node_ref=ask_ref on:click=ask>
                    "Ta bort"<span class="visually-hidden">{hidden.clone()}</span>
                </button>
            }
        >
            <div class="confirm" role="group" aria-label="Bekräfta borttagning">
                <p>{question.clone()}</p>
                <button type="button" class="button button--danger" node_ref=confirm_ref on:click=move |_| on_delete.run(())>
                    "Ja, ta bort"
                </button>
                <button type="button" class="button button--secondary" on:click=cancel>"Avbryt"</button>
            </div>
        </Show>
    }
}

/// One part of the page: its heading and its list.
fn headed_list(heading: &'static str, items: impl IntoView) -> impl IntoView {
    view! {
        <section>
            <h2>{heading}</h2>
            <ul class="draft-list">{items}</ul>
        </section>
    }
}

/// `/utkast`.
#[component]
pub fn MyRegistrationsPage() -> impl IntoView {
    use_page_title(|| "Mina anmälningar".to_owned());
    let outbox = Outbox::use_context();
    let health = StorageHealth::use_context();
    let changed = RwSignal::new(0u32);
    let announcement = RwSignal::new(String::new());
    // After a deletion the button that had focus is gone: focus goes to the
    // heading, and the deletion is announced.
    let refresh = Callback::new(move |what: String| {
        changed.update(|n| *n += 1);
        announcement.set(format!("{what} är borttaget."));
        request_animation_frame(|| crate::components::form::focus_id("mina-anmalningar"));
    });
    let listing = Memo::new(move |_| {
        changed.track();
        outbox.track();
        outbox.collect_delivered();
        let waiting = store::outbox();
        let drafts: Vec<_> = store::list_drafts()
            .into_iter()
            .filter(|d| {
                !waiting
                    .iter()
                    .any(|e| e.id == d.id && matches!(e.state, OutboxState::Waiting { .. }))
            })
            .collect();
        (drafts, waiting, store::kept_drafts(), store::all_sent())
    });
    // Ask the server how the sent ones are doing.
    for record in store::all_sent() {
        if matches!(record.status, ActivityStatus::Pending) {
            refresh_status(record, health, changed);
        }
    }
    view! {
        <div class="page page--narrow">
            <h1 id="mina-anmalningar" tabindex="-1">"Mina anmälningar"</h1>
            <p class="visually-hidden" role="status">{move || announcement.get()}</p>
            <p class="lead">
                "Utkast och anmälningar sparas i den här webbläsaren. De syns inte på andra datorer."
            </p>
            <StorageWarning />
            <p><A href="/anmal" attr:class="button">"Anmäl en ny aktivitet"</A></p>
            {move || {
                let (drafts, waiting, kept, sent) = listing.get();
                let nothing = drafts.is_empty() && waiting.is_empty() && kept.is_empty() && sent.is_empty();
                view! {
                    {nothing.then(|| view! { <p>"Du har inga utkast eller anmälningar i den här webbläsaren."</p> })}
                    {(!kept.is_empty()).then(|| {
                        let items = kept
                            .into_iter()
                            .enumerate()
                            .map(|(index, kept)| {
                                let key = kept.key.clone();
                                let id = format!("kept-{index}");
                                view! {
                                    <li class="draft">
                                        <div class="field">
                                            <label for=id.clone()>{format!("Innehåll i utkast som inte kunde läsas ({})", index + 1)}</label>
                                            <textarea id=id readonly rows="4">{kept.text}</textarea>
                                        </div>
                                        <DeleteWithConfirmation
                                            what="utkastet som inte kunde läsas".to_owned()
                                            on_delete=Callback::new(move |_| {
                                                store::delete_kept(&key);
                                                refresh.run("Utkastet".to_owned());
                                            })
                                        />
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <section class="notice notice--warning">
                                <h2>"Utkast som inte kunde läsas"</h2>
                                <p>
                                    "Vi hittade sparade utkast som den här versionen av sidan inte kan läsa. "
                                    "De kan vara från en äldre version eller ha skadats. Vi har lagt dem åt "
                                    "sidan så att inget försvinner: kopiera det du behöver innan du tar bort dem."
                                </p>
                                <ul class="draft-list">{items}</ul>
                            </section>
                        }
                    })}
                    {(!waiting.is_empty()).then(|| {
                        let items = waiting
                            .into_iter()
                            .map(|entry| {
                                let state = match &entry.state {
                                    OutboxState::Waiting { .. } => "Väntar på att skickas",
                                    OutboxState::Refused { .. } => "Behöver ändras",
                                };
                                view! {
                                    <li class="draft">
                                        <h3><A href=sent_path(&entry.id)>{entry.title.clone()}</A></h3>
                                        <p>{state}</p>
                                    </li>
                                }
                            })
                            .collect_view();
                        headed_list("Inte skickade än", items)
                    })}
                    {(!drafts.is_empty()).then(|| {
                        let items = drafts
                            .into_iter()
                            .map(|draft| {
                                let title = draft.display_title();
                                let link_title = title.clone();
                                let what = format!("utkastet ”{title}”");
                                let id = draft.id.clone();
                                let step = draft.step;
                                view! {
                                    <li class="draft">
                                        <h3>{title.clone()}</h3>
                                        <p>
                                            "Senast ändrat "{format_changed(draft.updated_at)}". Steg "
                                            {step.number()}" av "{Step::ALL.len()}": "{step.title()}"."
                                        </p>
                                        <p class="draft__actions">
                                            <A href=step_path(&draft.id, step) attr:class="button button--secondary">
                                                "Fortsätt"<span class="visually-hidden">" med "{link_title}</span>
                                            </A>
                                            <DeleteWithConfirmation
                                                what=what
                                                on_delete=Callback::new(move |_| {
                                                    store::delete_draft(&id);
                                                    store::remove_outbox(&id);
                                                    refresh.run("Utkastet".to_owned());
                                                })
                                            />
                                        </p>
                                    </li>
                                }
                            })
                            .collect_view();
                        headed_list("Utkast", items)
                    })}
                    {(!sent.is_empty()).then(|| {
                        let items = sent
                            .into_iter()
                            .map(|record| {
                                view! {
                                    <li class="draft">
                                        <h3><A href=record.edit_path()>{record.title.clone()}</A></h3>
                                        <p>"Skickad "{format_changed(record.sent_at)}". "{record.status.label()}"."</p>
                                    </li>
                                }
                            })
                            .collect_view();
                        headed_list("Skickade anmälningar", items)
                    })}
                }
            }}
        </div>
    }
}

/// `/anmalan/{id}#nyckel={token}`: a sent registration, by its private link.
#[component]
pub fn SubmissionPage() -> impl IntoView {
    use_page_title(|| "Din anmälan".to_owned());
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let token = window()
        .location()
        .hash()
        .unwrap_or_default()
        .strip_prefix("#nyckel=")
        .map(str::to_owned)
        .unwrap_or_default();
    let status = LocalResource::new(move || {
        let id = id.get();
        let token = token.clone();
        async move { crate::api::submission_status(&id, &token).await }
    });
    view! {
        <div class="page page--narrow">
            <h1>"Din anmälan"</h1>
            {move || match status.get() {
                None => view! { <crate::components::Loading /> }.into_any(),
                Some(Ok(status)) => {
                    let text = match status.status {
                        ActivityStatus::Pending => "Väntar på granskning. När den är godkänd visas den i programmet.",
                        ActivityStatus::Published => "Godkänd och publicerad i programmet.",
                        ActivityStatus::Rejected => "Inte godkänd för programmet.",
                        ActivityStatus::Cancelled => "Inställd. Den visas i programmet som inställd.",
                    };
                    view! {
                        <dl class="facts facts--wide">
                            <div><dt>"Aktivitet"</dt><dd>{status.title.clone()}</dd></div>
                            <div><dt>"Status"</dt><dd>{text}</dd></div>
                            {status.review_note.clone().map(|note| view! {
                                <div><dt>"Motivering"</dt><dd>{note}</dd></div>
                            })}
                        </dl>
                        {(status.status == ActivityStatus::Published).then(|| view! {
                            <p><crate::components::AppLink href=format!("/aktivitet/{}", status.id)>"Se aktiviteten i programmet"</crate::components::AppLink></p>
                        })}
                    }
                    .into_any()
                }
                Some(Err(crate::api::ApiError::Network)) => view! {
                    <div class="notice notice--error" role="alert">
                        <p>"Vi når inte servern just nu. Försök igen om en stund."</p>
                    </div>
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
