//! `/utkast`, "Mina anmälningar": the person's drafts, the registrations
//! waiting to be sent, and those sent, in this browser.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use programme::ActivityStatus;
use programme::draft::Step;
use programme::time::format_moment_ms;

use super::register::{StorageWarning, refresh_status, sent_path, start_draft, step_path};
use super::use_page_title;
use crate::components::ConfirmButton;
use crate::outbox::Outbox;
use crate::store::{self, OutboxState, StorageHealth};

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
    // Ask the server how every sent one is doing: an operator may have
    // decided, or the organiser changed it from another browser.
    for record in store::all_sent() {
        refresh_status(record, health, changed);
    }
    let navigate = use_navigate();
    let navigate_to = {
        let navigate = navigate.clone();
        Callback::new(move |path: String| navigate(&path, Default::default()))
    };
    let copy_error = RwSignal::new(None::<String>);
    // "Använd som mall" of a sent registration: its content comes from the server.
    let copy_sent = Callback::new(move |record: store::SentRecord| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match crate::api::organiser_view(&record.id, &record.edit_token).await {
                Ok(view) => {
                    let form =
                        programme::DraftForm::from_activity(&view.activity, &view.submitter_email)
                            .as_template();
                    let id = start_draft(form, None, health);
                    navigate(&step_path(&id, Step::Organiser), Default::default());
                }
                Err(error) => copy_error.set(Some(error.message())),
            }
        });
    });
    view! {
        <div class="page page--narrow">
            <h1 id="mina-anmalningar" tabindex="-1">"Mina anmälningar"</h1>
            <p class="visually-hidden" role="status">{move || announcement.get()}</p>
            <p class="lead">
                "Utkast och anmälningar sparas i den här webbläsaren. De syns inte på andra datorer."
            </p>
            <StorageWarning />
            <p><A href="/anmal" attr:class="button">"Anmäl en ny aktivitet"</A></p>
            {move || copy_error.get().map(|message| view! {
                <div class="notice notice--error" role="alert">
                    <p>"Vi kunde inte hämta anmälan för att använda den som mall. "{message}</p>
                </div>
            })}
            {move || {
                changed.track();
                let newer = store::newer_drafts();
                (newer > 0).then(|| view! {
                    <div class="notice notice--warning">
                        <p>
                            {if newer == 1 { "Ett utkast".to_owned() } else { format!("{newer} utkast") }}
                            " har sparats av en nyare version av sidan. Ladda om sidan för att se "
                            {if newer == 1 { "det" } else { "dem" }}"."
                        </p>
                    </div>
                })
            }}
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
                                        <ConfirmButton
                                            label="Ta bort".to_owned()
                                            hidden_name="utkastet som inte kunde läsas".to_owned()
                                            question="Vill du ta bort utkastet som inte kunde läsas? Det går inte att ångra.".to_owned()
                                            confirm="Ja, ta bort".to_owned()
                                            on_confirm=Callback::new(move |_| {
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
                                let waiting = matches!(entry.state, OutboxState::Waiting { .. });
                                let state = match (waiting, entry.edit.is_some()) {
                                    (true, false) => "Väntar på att skickas",
                                    (true, true) => "Ändringen väntar på att skickas",
                                    (false, _) => "Behöver ändras",
                                };
                                let id = entry.id.clone();
                                let hidden = format!("”{}”", entry.title);
                                view! {
                                    <li class="draft">
                                        <h3><A href=sent_path(&entry.id)>{entry.title.clone()}</A></h3>
                                        <p>{state}</p>
                                        {waiting.then(|| view! {
                                            <ConfirmButton
                                                label="Ta tillbaka".to_owned()
                                                hidden_name=hidden
                                                question="Vill du ta tillbaka den? Den skickas inte, och du hittar den bland dina utkast.".to_owned()
                                                confirm="Ja, ta tillbaka".to_owned()
                                                on_confirm=Callback::new(move |_| {
                                                    outbox.take_back(&id);
                                                    refresh.run("Anmälan i kön".to_owned());
                                                })
                                            />
                                        })}
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
                                let kind = if draft.is_edit() { "Ändring av en skickad anmälan. " } else { "" };
                                let template = draft.form.as_template();
                                let copy_title = title.clone();
                                let copy = move |_| {
                                    let id = start_draft(template.clone(), None, health);
                                    navigate_to.run(step_path(&id, Step::Organiser));
                                };
                                view! {
                                    <li class="draft">
                                        <h3>{title.clone()}</h3>
                                        <p>
                                            {kind}"Senast ändrat "{format_moment_ms(draft.updated_at)}". Steg "
                                            {step.number()}" av "{Step::ALL.len()}": "{step.title()}"."
                                        </p>
                                        <p class="draft__actions">
                                            <A href=step_path(&draft.id, step) attr:class="button button--secondary">
                                                "Fortsätt"<span class="visually-hidden">" med "{link_title}</span>
                                            </A>
                                            <button type="button" class="button button--link" on:click=copy>
                                                "Använd som mall"<span class="visually-hidden">" för "{copy_title}</span>
                                            </button>
                                            <ConfirmButton
                                                label="Ta bort".to_owned()
                                                hidden_name=what.clone()
                                                question=format!("Vill du ta bort {what}? Det går inte att ångra.")
                                                confirm="Ja, ta bort".to_owned()
                                                on_confirm=Callback::new(move |_| {
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
                                let note = (record.status == ActivityStatus::Rejected)
                                    .then(|| record.review_note.clone())
                                    .flatten();
                                let title = record.title.clone();
                                let hidden_change = format!(" ”{title}”");
                                let hidden_copy = format!(" för ”{title}”");
                                let path = record.edit_path();
                                let for_copy = record.clone();
                                view! {
                                    <li class="draft">
                                        <h3><A href=path.clone()>{title}</A></h3>
                                        <p>"Skickad "{format_moment_ms(record.sent_at)}". "{record.status.label()}"."</p>
                                        {note.map(|note| view! { <p>"Skäl: "{note}</p> })}
                                        <p class="draft__actions">
                                            <A href=path attr:class="button button--secondary">
                                                "Ändra eller ställ in"<span class="visually-hidden">{hidden_change}</span>
                                            </A>
                                            <button type="button" class="button button--link" on:click=move |_| copy_sent.run(for_copy.clone())>
                                                "Använd som mall"<span class="visually-hidden">{hidden_copy}</span>
                                            </button>
                                        </p>
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
