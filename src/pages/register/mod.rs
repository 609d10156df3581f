//! The registration wizard: `/anmal` (start), `/anmal/{draft}/{step}` (one page
//! per step, so reload and the browser's back and forward buttons work), and
//! `/anmal/{draft}/skickad` (what happened to the sent registration).

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_navigate, use_params_map};
use programme::Edition;
use programme::draft::{Draft, DraftForm, DraftProblem, EditOf, Step};

use super::use_page_title;
use crate::api::EditionResource;
use crate::components::{LoadError, Loading};
use crate::store::{self, Stage, StorageHealth};

/// The address of a step of a draft.
pub fn step_path(draft_id: &str, step: Step) -> String {
    format!("/anmal/{draft_id}/{}", step.slug())
}

/// The address of the page that follows a sent registration.
pub fn sent_path(draft_id: &str) -> String {
    format!("/anmal/{draft_id}/skickad")
}

/// Binds a text field of the form.
macro_rules! bind {
    ($form:ident . $field:ident) => {
        (
            Signal::derive(move || $form.with(|f| f.$field.clone())),
            Callback::new(move |value: String| $form.update(|f| f.$field = value)),
        ) as Binding
    };
}

/// Binds a set of keys (checkboxes) of the form.
macro_rules! bind_set {
    ($form:ident . $field:ident) => {
        (
            Signal::derive(move || $form.with(|f| f.$field.clone())),
            Callback::new(move |(key, on): (String, bool)| {
                $form.update(|f| {
                    f.$field.retain(|k| *k != key);
                    if on {
                        f.$field.push(key);
                    }
                })
            }),
        )
    };
}

mod saver;
mod sent;
mod steps;
mod template;
mod wizard;

use sent::SentStatus;
pub use sent::{SentPage, refresh_status};
pub use template::TemplatePage;

/// Starts a new draft with a filled form (a copy, or a change of a sent
/// activity) and returns its id.
pub fn start_draft(form: DraftForm, edit: Option<EditOf>, health: StorageHealth) -> String {
    let mut draft = Draft::new(store::new_id(), store::now_ms());
    draft.form = form;
    draft.edit = edit;
    store::save_draft(&draft, health);
    draft.id
}
use wizard::Wizard;

/// The edition, from the server or (offline) as last seen.
#[derive(Clone, PartialEq)]
enum EditionState {
    Loading,
    Ready(Edition),
    Failed(crate::api::ApiError),
}

fn use_edition() -> Memo<EditionState> {
    let data = EditionResource::use_context();
    Memo::new(move |_| match data.get() {
        Some(Ok(edition)) => EditionState::Ready(edition),
        other => match (store::last_edition(), other) {
            (Some(edition), _) => EditionState::Ready(edition),
            (None, None) => EditionState::Loading,
            (None, Some(Err(error))) => EditionState::Failed(error),
            (None, Some(Ok(_))) => EditionState::Loading,
        },
    })
}

/// Warns when drafts cannot be saved in this browser.
#[component]
pub fn StorageWarning() -> impl IntoView {
    let health = StorageHealth::use_context();
    move || {
        (!health.0.get()).then(|| {
            view! {
                <div class="notice notice--warning" role="alert">
                    <h2>"Utkastet sparas inte"</h2>
                    <p>
                        "Webbläsaren låter oss inte spara något just nu, till exempel i privat läge "
                        "eller när lagringen är full. Du kan fylla i och skicka anmälan, men om du "
                        "stänger eller laddar om sidan försvinner det du har skrivit."
                    </p>
                </div>
            }
        })
    }
}

/// `/anmal`: what registering takes, and the button that starts a new draft.
#[component]
pub fn RegisterStartPage() -> impl IntoView {
    use_page_title(|| "Anmäl en aktivitet".to_owned());
    let navigate = use_navigate();
    let health = StorageHealth::use_context();
    let drafts = store::list_drafts().len();
    let start = move |_| {
        let draft = Draft::new(store::new_id(), store::now_ms());
        store::save_draft(&draft, health);
        navigate(&step_path(&draft.id, Step::Organiser), Default::default());
    };
    view! {
        <div class="page page--narrow">
            <h1>"Anmäl en aktivitet"</h1>
            <p class="lead">
                "Kommuner, regioner, myndigheter och deras partner kan anmäla aktiviteter till "
                "Innovationsveckans program: på plats, digitalt eller både och."
            </p>
            <h2>"Det här behöver du"</h2>
            <ul class="checklist">
                <li>"Vilka som arrangerar. Minst en arrangör måste vara en kommun, en region, en statlig myndighet eller en annan offentlig organisation."</li>
                <li>"En titel, en kort sammanfattning och en beskrivning."</li>
                <li>"Dag och tid under veckan, och plats eller länk."</li>
                <li>"En kontaktperson som deltagare kan höra av sig till."</li>
            </ul>
            <p>
                "Anmälan har fem steg och tar ungefär tio minuter. Det du skriver sparas som utkast "
                "i den här webbläsaren medan du skriver, så du kan ta en paus och fortsätta senare, "
                "även utan internetanslutning."
            </p>
            <p>"Efter att du har skickat anmälan granskas den innan den visas i programmet."</p>
            <StorageWarning />
            <button type="button" class="button button--start" on:click=start>
                "Börja anmälan"
            </button>
            {(drafts > 0).then(|| {
                let text = if drafts == 1 {
                    "Du har ett påbörjat utkast.".to_owned()
                } else {
                    format!("Du har {drafts} påbörjade utkast.")
                };
                view! {
                    <p>{text}" "<A href="/utkast">"Fortsätt på ett utkast"</A></p>
                }
            })}
        </div>
    }
}

/// `/anmal/{draft}/{step}`.
#[component]
pub fn WizardPage() -> impl IntoView {
    let params = use_params_map();
    let draft_id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let step =
        Memo::new(move |_| params.with(|p| p.get("step").and_then(|slug| Step::from_slug(&slug))));
    let known_step = Memo::new(move |_| step.with(Option::is_some));
    let edition = use_edition();
    let data = EditionResource::use_context();
    view! {
        <div class="page page--narrow">
            {move || {
                let id = draft_id.get();
                match edition.get() {
                    EditionState::Loading => return view! { <Loading /> }.into_any(),
                    EditionState::Failed(error) => {
                        return view! {
                            <h1>"Anmäl en aktivitet"</h1>
                            <LoadError error on_retry=Callback::new(move |_| data.refetch()) />
                        }
                        .into_any();
                    }
                    EditionState::Ready(_) => {}
                }
                if !known_step.get() {
                    // An address with a step this version does not have: the
                    // draft's own step, if there is a draft.
                    return match store::load_draft(&id) {
                        Ok(Some(draft)) => {
                            let options = NavigateOptions {
                                replace: true,
                                ..Default::default()
                            };
                            view! { <Redirect path=step_path(&id, draft.step) options /> }
                                .into_any()
                        }
                        _ => view! { <super::NotFoundPage /> }.into_any(),
                    };
                }
                // Accepted by the other app, not yet kept as sent: kept now.
                crate::outbox::Outbox::use_context().collect_delivered();
                let stage = store::stage(&id);
                if matches!(stage, Stage::Waiting(_)) {
                    // Already on its way: show where it stands instead.
                    return view! { <SentStatus draft_id=id /> }.into_any();
                }
                match store::load_draft(&id) {
                    Ok(Some(draft)) => {
                        view! { <Wizard draft step edition /> }.into_any()
                    }
                    Ok(None) if matches!(stage, Stage::Sent(_)) => {
                        view! { <SentStatus draft_id=id /> }.into_any()
                    }
                    Ok(None) => view! { <DraftMissing /> }.into_any(),
                    Err(DraftProblem::NewerVersion(_)) => view! { <DraftFromNewerVersion /> }.into_any(),
                    Err(_) => view! { <DraftUnreadable /> }.into_any(),
                }
            }}
        </div>
    }
}

#[component]
fn DraftMissing() -> impl IntoView {
    use_page_title(|| "Utkastet finns inte".to_owned());
    view! {
        <h1>"Utkastet finns inte"</h1>
        <p>
            "Det finns inget utkast med den här adressen i den här webbläsaren. Utkast sparas "
            "bara i webbläsaren där de skrevs."
        </p>
        <p><A href="/utkast">"Se dina utkast"</A>" eller "<A href="/anmal">"börja en ny anmälan"</A>"."</p>
    }
}

#[component]
fn DraftFromNewerVersion() -> impl IntoView {
    use_page_title(|| "Ladda om sidan".to_owned());
    view! {
        <h1>"Ladda om sidan"</h1>
        <p>
            "Utkastet har sparats av en nyare version av sidan än den du har öppen. Ladda om sidan "
            "för att fortsätta. Utkastet är kvar som det var."
        </p>
    }
}

#[component]
fn DraftUnreadable() -> impl IntoView {
    use_page_title(|| "Utkastet kunde inte läsas".to_owned());
    view! {
        <h1>"Utkastet kunde inte läsas"</h1>
        <p>
            "Utkastet är sparat i ett format som den här versionen av sidan inte kan läsa, eller så "
            "har det skadats. Vi har lagt det åt sidan så att inget försvinner: du hittar "
            "innehållet under Mina anmälningar."
        </p>
        <p><A href="/utkast">"Till Mina anmälningar"</A></p>
    }
}
