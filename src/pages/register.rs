//! The registration wizard: `/anmal` (start), `/anmal/{draft}/{step}` (one page
//! per step, so reload and the browser's back and forward buttons work), and
//! `/anmal/{draft}/skickad` (what happened to the sent registration).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_navigate, use_params_map};
use programme::draft::{Draft, DraftForm, OrganiserInput, Step};
use programme::submission::{LANGUAGES, language_name};
use programme::{
    AccessibilityFeature, ActivityFormat, ActivityStatus, Audience, Edition, FieldErrors,
    OrganiserKind, Theme, regions, time,
};

use super::use_page_title;
use crate::api::{EditionResource, Refusal};
use crate::components::form::{
    Binding, ChoiceGroup, ErrorSummary, Errors, FieldError, SelectField, TextField, focus_id,
};
use crate::components::{LoadError, Loading};
use crate::outbox::Outbox;
use crate::store::{self, OutboxEntry, OutboxState, StorageHealth};

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

/// Keeps a draft in storage: shortly after each change, and at once when the
/// step changes, the page is hidden or the wizard closes, so nothing typed is lost.
#[derive(Clone)]
struct DraftSaver {
    state: Arc<Mutex<SaverState>>,
    health: StorageHealth,
    /// Set when the draft turns out to have been sent meanwhile (from another
    /// tab): it is then not saved again, or it would come back as a second
    /// registration.
    sent_elsewhere: RwSignal<bool>,
}

struct SaverState {
    draft: Draft,
    dirty: bool,
    timer: Option<leptos::prelude::TimeoutHandle>,
}

impl DraftSaver {
    fn new(draft: Draft, health: StorageHealth) -> Self {
        DraftSaver {
            sent_elsewhere: RwSignal::new(false),
            state: Arc::new(Mutex::new(SaverState {
                draft,
                dirty: false,
                timer: None,
            })),
            health,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SaverState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a change and saves it after a short pause in typing.
    fn changed(&self, form: DraftForm) {
        let mut state = self.lock();
        if state.draft.form == form {
            return; // taken from another tab, or nothing new
        }
        state.draft.form = form;
        state.draft.updated_at = store::now_ms();
        state.dirty = true;
        if let Some(timer) = state.timer.take() {
            timer.clear();
        }
        let saver = self.clone();
        state.timer =
            set_timeout_with_handle(move || saver.flush(), Duration::from_millis(250)).ok();
    }

    /// Records the step the person is on and saves at once.
    fn moved_to(&self, step: Step) {
        let mut state = self.lock();
        if state.draft.step != step {
            state.draft.step = step;
            state.dirty = true;
        }
        drop(state);
        self.flush();
    }

    /// Takes the draft as another tab saved it, unless this tab has changes
    /// of its own still to save. Returns the form to show, if taken.
    fn reload(&self, draft: Draft) -> Option<DraftForm> {
        let mut state = self.lock();
        if state.dirty || state.draft == draft {
            return None;
        }
        state.draft = draft;
        Some(state.draft.form.clone())
    }

    fn flush(&self) {
        let mut state = self.lock();
        if let Some(timer) = state.timer.take() {
            timer.clear();
        }
        if state.dirty {
            state.dirty = false;
            if store::is_sent_or_queued(&state.draft.id) {
                self.sent_elsewhere.try_set(true);
            } else {
                store::save_draft(&state.draft, self.health);
            }
        }
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
                if let Some(entry) = store::outbox_entry(&id)
                    && matches!(entry.state, OutboxState::Waiting { .. })
                {
                    // Already on its way: show where it stands instead.
                    return view! { <SentStatus draft_id=id /> }.into_any();
                }
                match store::load_draft(&id) {
                    Ok(Some(draft)) => {
                        view! { <Wizard draft step edition /> }.into_any()
                    }
                    Ok(None) if store::is_sent_or_queued(&id) => {
                        view! { <SentStatus draft_id=id /> }.into_any()
                    }
                    Ok(None) => view! { <DraftMissing /> }.into_any(),
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
fn Wizard(draft: Draft, step: Memo<Option<Step>>, edition: Memo<EditionState>) -> impl IntoView {
    let health = StorageHealth::use_context();
    let outbox = Outbox::use_context();
    let navigate = use_navigate();
    let draft_id = draft.id.clone();
    let form = RwSignal::new(draft.form.clone());
    let errors: Errors = RwSignal::new(FieldErrors::default());
    let saver = DraftSaver::new(draft, health);
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

    {
        let saver = saver.clone();
        Effect::new(move |previous: Option<()>| {
            let current = form.get();
            if previous.is_some() {
                saver.changed(current);
            }
        });
    }
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
            // A link from the review page's error summary names a field: go to it.
            let hash = window().location().hash().unwrap_or_default();
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
    {
        let on_hide = {
            let saver = saver.clone();
            window_event_listener(leptos::ev::pagehide, move |_| saver.flush())
        };
        let saver = saver.clone();
        on_cleanup(move || {
            on_hide.remove();
            saver.flush();
        });
    }

    {
        // Another tab saved this draft: show its text here too (unless this
        // tab has typing of its own still to save, which then wins).
        let saver = saver.clone();
        let key_suffix = format!(".{draft_id}");
        let other_tab = window_event_listener(leptos::ev::storage, move |event| {
            let ours = event
                .key()
                .is_some_and(|k| k.starts_with("iv.v1.draft.") && k.ends_with(&key_suffix));
            if !ours {
                return;
            }
            let id = key_suffix.trim_start_matches('.');
            if let Ok(Some(draft)) = store::load_draft(id)
                && let Some(newer) = saver.reload(draft)
            {
                form.try_set(newer);
            }
        });
        on_cleanup(move || other_tab.remove());
    }

    use_page_title(move || {
        let title = step.get().map_or("Anmäl en aktivitet", Step::title);
        if errors.with(FieldErrors::is_empty) {
            format!("{title} – Anmäl en aktivitet")
        } else {
            format!("Fel: {title} – Anmäl en aktivitet")
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
            "Anmäl en aktivitet – steg "{move || step.get().map_or(1, Step::number)}" av 5"
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
                    Some(Step::Review) => review_step(form, errors, id_for_review.clone()).into_any(),
                    None => ().into_any(),
                }
            }}
            <div class="wizard__actions">
                <button type="submit" class="button">
                    {move || if step.get() == Some(Step::Review) { "Skicka anmälan" } else { "Spara och fortsätt" }}
                </button>
                {move || back().map(|path| view! { <A href=path attr:class="back-link">"Tillbaka"</A> })}
            </div>
            <p class="hint">"Det du skriver sparas automatiskt som utkast i den här webbläsaren."</p>
        </form>
    }
}

fn kind_options() -> Vec<(String, String)> {
    OrganiserKind::ALL
        .iter()
        .map(|k| (k.key().to_owned(), k.label().to_owned()))
        .collect()
}

/// The kind of organisation a known name stands for: "Umeå kommun", "Region Skåne".
fn kind_of_known_name(name: &str) -> Option<OrganiserKind> {
    let name = name.trim();
    if regions::counties().iter().any(|c| c.region_name == name) {
        return Some(OrganiserKind::Region);
    }
    regions::municipalities()
        .iter()
        .any(|m| m.organisation_name() == name)
        .then_some(OrganiserKind::Municipality)
}

fn organiser_step(form: RwSignal<DraftForm>, errors: Errors) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.organisers.len()));
    let add = move |_| {
        form.update(|f| f.organisers.push(OrganiserInput::default()));
        let index = form.with_untracked(|f| f.organisers.len() - 1);
        request_animation_frame(move || focus_id(&format!("organisers[{index}].name")));
    };
    let suggestions = regions::counties()
        .iter()
        .map(|c| c.region_name.to_owned())
        .chain(
            regions::municipalities()
                .iter()
                .map(|m| m.organisation_name()),
        )
        .map(|name| view! { <option value=name></option> })
        .collect_view();
    let rows = move || {
        (0..count.get())
            .map(|index| organiser_row(form, errors, index))
            .collect_view()
    };
    view! {
        <p id="organisers-rule" class="rule">
            "Minst en arrangör eller medarrangör måste vara offentlig: en kommun, en region, en statlig "
            "myndighet eller en annan offentlig organisation. Företag, akademi och civilsamhälle är "
            "välkomna som medarrangörer."
        </p>
        <FieldError errors field="organisers" />
        {rows}
        <datalist id="organisationer">{suggestions}</datalist>
        <button type="button" class="button button--secondary" on:click=add>
            "Lägg till en medarrangör"
        </button>
    }
}

fn organiser_row(form: RwSignal<DraftForm>, errors: Errors, index: usize) -> impl IntoView {
    let name_id = format!("organisers[{index}].name");
    let kind_id = format!("organisers[{index}].kind");
    let name: Binding = (
        Signal::derive(move || {
            form.with(|f| {
                f.organisers
                    .get(index)
                    .map(|o| o.name.clone())
                    .unwrap_or_default()
            })
        }),
        Callback::new(move |value: String| {
            form.update(|f| {
                if let Some(row) = f.organisers.get_mut(index) {
                    if row.kind.is_empty()
                        && let Some(kind) = kind_of_known_name(&value)
                    {
                        row.kind = kind.key().to_owned();
                    }
                    row.name = value;
                }
            })
        }),
    );
    let kind: Binding = (
        Signal::derive(move || {
            form.with(|f| {
                f.organisers
                    .get(index)
                    .map(|o| o.kind.clone())
                    .unwrap_or_default()
            })
        }),
        Callback::new(move |value: String| {
            form.update(|f| {
                if let Some(row) = f.organisers.get_mut(index) {
                    row.kind = value;
                }
            })
        }),
    );
    let remove = move |_| {
        form.update(|f| {
            if index < f.organisers.len() {
                f.organisers.remove(index);
            }
        });
        errors.set(FieldErrors::default());
        request_animation_frame(|| focus_id("organisers[0].name"));
    };
    let legend = if index == 0 {
        "Arrangör".to_owned()
    } else {
        format!("Medarrangör {index}")
    };
    let hint = (index == 0).then_some("Börja skriva så får du förslag på kommuner och regioner.");
    view! {
        <fieldset class="organiser">
            <legend>{legend.clone()}</legend>
            <TextField id=name_id label="Organisationens namn" hint=hint.unwrap_or_default() bind=name errors list="organisationer" autocomplete="organization" />
            <SelectField id=kind_id label="Typ av organisation" bind=kind errors placeholder="Välj typ" options=kind_options() group=(index == 0).then_some("organisers") />
            {(index > 0).then(|| view! {
                <button type="button" class="button button--link" on:click=remove>
                    "Ta bort "{legend.to_lowercase()}
                </button>
            })}
        </fieldset>
    }
}

fn activity_step(form: RwSignal<DraftForm>, errors: Errors) -> impl IntoView {
    let (themes, on_theme) = bind_set!(form.themes);
    let (audiences, on_audience) = bind_set!(form.audiences);
    let languages: Vec<(String, String)> = LANGUAGES
        .iter()
        .map(|(code, name)| ((*code).to_owned(), (*name).to_owned()))
        .collect();
    view! {
        <TextField id="title" label="Titel" hint="Kort och beskrivande, högst 120 tecken." bind=bind!(form.title) errors />
        <TextField id="summary" label="Kort sammanfattning" hint="En eller två meningar som visas i programmet, högst 300 tecken." bind=bind!(form.summary) errors rows=3 />
        <TextField id="description" label="Beskrivning" hint="Vad händer, för vem och vad tar deltagarna med sig? Högst 5 000 tecken." bind=bind!(form.description) errors rows=8 />
        <ChoiceGroup name="themes" legend="Teman" hint="Välj ett eller flera." choices=Theme::ALL.iter().map(|t| (t.key(), t.label())).collect() selected=themes on_change=on_theme errors />
        <ChoiceGroup name="audiences" legend="Målgrupper" hint="Välj en eller flera." choices=Audience::ALL.iter().map(|a| (a.key(), a.label())).collect() selected=audiences on_change=on_audience errors />
        <SelectField id="language" label="Språk" bind=bind!(form.language) errors options=languages />
    }
}

fn time_place_step(
    form: RwSignal<DraftForm>,
    errors: Errors,
    edition: Option<Edition>,
) -> impl IntoView {
    let days: Vec<(String, String)> = edition
        .iter()
        .flat_map(|e| e.days())
        .map(|day| {
            (
                day.to_string(),
                time::capitalize_first(&time::format_day(day)),
            )
        })
        .collect();
    let format = Signal::derive(move || form.with(|f| vec![f.format.clone()]));
    let on_format = Callback::new(move |(key, on): (String, bool)| {
        if on {
            form.update(|f| f.format = key);
        }
    });
    let chosen = Memo::new(move |_| form.with(|f| ActivityFormat::from_key(&f.format)));
    let municipalities = regions::counties()
        .iter()
        .map(|county| {
            let options = regions::municipalities_in(county.code)
                .iter()
                .map(|m| {
                    let code = m.code;
                    view! {
                        <option value=code selected=move || form.with(|f| f.municipality_code == code)>
                            {m.name}
                        </option>
                    }
                })
                .collect_view();
            view! { <optgroup label=county.name>{options}</optgroup> }
        })
        .collect_view();
    let venue = move || {
        chosen.get().is_some_and(ActivityFormat::has_venue).then(|| {
            view! {
                <fieldset class="group">
                    <legend>"Plats"</legend>
                    <TextField id="venue.name" label="Lokal" hint="Till exempel Stadshuset, sal B." bind=bind!(form.venue_name) errors />
                    <TextField id="venue.street_address" label="Gatuadress" bind=bind!(form.street_address) errors autocomplete="street-address" />
                    <TextField id="venue.postal_code" label="Postnummer" bind=bind!(form.postal_code) errors inputmode="numeric" autocomplete="postal-code" class="input--short" />
                    <TextField id="venue.city" label="Ort" bind=bind!(form.city) errors autocomplete="address-level2" />
                    <div class="field" class:field--error=move || errors.with(|e| e.0.contains_key("venue.municipality_code"))>
                        <label for="venue.municipality_code">"Kommun"</label>
                        <FieldError errors field="venue.municipality_code" />
                        <select
                            id="venue.municipality_code"
                            name="venue.municipality_code"
                            aria-describedby=move || errors.with(|e| e.0.contains_key("venue.municipality_code")).then_some("venue.municipality_code-error")
                            aria-invalid=move || errors.with(|e| e.0.contains_key("venue.municipality_code")).then_some("true")
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                form.update(|f| f.municipality_code = value);
                            }
                        >
                            <option value="" selected=move || form.with(|f| f.municipality_code.is_empty())>"Välj kommun"</option>
                            {municipalities.clone()}
                        </select>
                    </div>
                </fieldset>
            }
        })
    };
    let online = move || {
        chosen.get().is_some_and(ActivityFormat::is_online).then(|| {
            view! {
                <fieldset class="group">
                    <legend>"Digital anslutning"</legend>
                    <TextField id="online.platform" label="Plattform" hint="Till exempel Microsoft Teams, Zoom eller webbsändning." bind=bind!(form.platform) errors />
                    <TextField id="online.url" label="Länk till sändningen eller mötet" hint="Börjar med https://. Länken visas i programmet." bind=bind!(form.online_url) errors input_type="url" />
                </fieldset>
            }
        })
    };
    view! {
        <SelectField id="day" label="Dag" bind=bind!(form.day) errors placeholder="Välj dag" options=days />
        <div class="field-row">
            <TextField id="starts_at" label="Starttid" hint="Till exempel 09.00" bind=bind!(form.starts_at) errors inputmode="decimal" class="input--short" />
            <TextField id="ends_at" label="Sluttid" hint="Till exempel 10.30" bind=bind!(form.ends_at) errors inputmode="decimal" class="input--short" />
        </div>
        <ChoiceGroup name="format" legend="Hur deltar man?" single=true choices=ActivityFormat::ALL.iter().map(|f| (f.key(), format_choice(*f))).collect() selected=format on_change=on_format errors />
        {venue}
        {online}
    }
}

fn format_choice(format: ActivityFormat) -> &'static str {
    match format {
        ActivityFormat::Physical => "På plats",
        ActivityFormat::Digital => "Digitalt",
        ActivityFormat::Hybrid => "Både på plats och digitalt",
    }
}

fn contact_step(form: RwSignal<DraftForm>, errors: Errors) -> impl IntoView {
    let (features, on_feature) = bind_set!(form.accessibility_features);
    view! {
        <fieldset class="group">
            <legend>"Kontakt för deltagare"</legend>
            <p class="hint">"Visas i programmet."</p>
            <TextField id="contact.name" label="Kontaktperson" bind=bind!(form.contact_name) errors autocomplete="name" />
            <TextField id="contact.email" label="Kontaktpersonens e-postadress" bind=bind!(form.contact_email) errors input_type="email" autocomplete="email" />
            <TextField id="contact.phone" label="Kontaktpersonens telefonnummer" optional=true bind=bind!(form.contact_phone) errors input_type="tel" autocomplete="tel" />
        </fieldset>
        <TextField id="signup_url" label="Länk till anmälan för deltagare" optional=true hint="Om deltagarna ska anmäla sig i förväg. Börjar med https://." bind=bind!(form.signup_url) errors input_type="url" />
        <ChoiceGroup name="accessibility.features" legend="Tillgänglighet" optional=true hint="Välj det som finns på aktiviteten." choices=AccessibilityFeature::ALL.iter().map(|f| (f.key(), f.label())).collect() selected=features on_change=on_feature errors />
        <TextField id="accessibility.note" label="Mer om tillgängligheten" optional=true hint="Till exempel hur man beställer tolk, eller vägen in för den som använder rullstol." bind=bind!(form.accessibility_note) errors rows=3 />
        <TextField id="submitter_email" label="Din e-postadress" hint="Visas inte i programmet. Vi använder den bara om vi behöver nå dig om anmälan." bind=bind!(form.submitter_email) errors input_type="email" autocomplete="email" />
    }
}

/// One answer on the review page.
fn answer(label: &'static str, value: String) -> impl IntoView {
    let value = if value.trim().is_empty() {
        "Inte ifyllt".to_owned()
    } else {
        value
    };
    view! {
        <div>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

fn labels<T: Copy>(
    keys: &[String],
    from_key: fn(&str) -> Option<T>,
    label: fn(T) -> &'static str,
) -> String {
    keys.iter()
        .filter_map(|k| from_key(k))
        .map(label)
        .collect::<Vec<_>>()
        .join(", ")
}

fn review_step(form: RwSignal<DraftForm>, errors: Errors, draft_id: String) -> impl IntoView {
    let f = form.get_untracked();
    let section = |step: Step, rows: AnyView| {
        let path = step_path(&draft_id, step);
        view! {
            <section class="review">
                <div class="review__heading">
                    <h2>{step.title()}</h2>
                    <A href=path>"Ändra"<span class="visually-hidden">" "{step.title().to_lowercase()}</span></A>
                </div>
                <dl class="facts facts--review">{rows}</dl>
            </section>
        }
    };
    let organisers = f
        .organisers
        .iter()
        .filter(|o| !o.name.trim().is_empty())
        .map(|o| {
            let kind = OrganiserKind::from_key(&o.kind).map_or("typ saknas", OrganiserKind::label);
            format!("{} ({})", o.name.trim(), kind.to_lowercase())
        })
        .collect::<Vec<_>>()
        .join(", ");
    let format = ActivityFormat::from_key(&f.format);
    let place = match format {
        Some(format) if format.has_venue() => {
            let kommun = regions::municipality(&f.municipality_code)
                .map(|m| m.organisation_name())
                .unwrap_or_default();
            [
                f.venue_name.as_str(),
                f.street_address.as_str(),
                &format!("{} {}", f.postal_code, f.city),
                &kommun,
            ]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
        }
        _ => String::new(),
    };
    let day = time::parse_date(&f.day).map_or(String::new(), |d| {
        time::capitalize_first(&time::format_day(d))
    });
    let clock = |text: &str| {
        programme::draft::parse_clock(text)
            .map_or_else(|| text.trim().to_owned(), time::format_time)
    };
    let when = if f.day.is_empty() && f.starts_at.trim().is_empty() && f.ends_at.trim().is_empty() {
        String::new()
    } else {
        format!("{day}, {}–{}", clock(&f.starts_at), clock(&f.ends_at))
    };
    let organiser_rows = answer("Arrangörer", organisers).into_any();
    let activity_rows = view! {
        {answer("Titel", f.title.clone())}
        {answer("Kort sammanfattning", f.summary.clone())}
        {answer("Beskrivning", f.description.clone())}
        {answer("Teman", labels(&f.themes, Theme::from_key, Theme::label))}
        {answer("Målgrupper", labels(&f.audiences, Audience::from_key, Audience::label))}
        {answer("Språk", language_name(&f.language).unwrap_or_default().to_owned())}
    }
    .into_any();
    let time_rows = view! {
        {answer("Tid", when)}
        {answer("Form", format.map_or("", format_choice).to_owned())}
        {format.is_some_and(ActivityFormat::has_venue).then(|| answer("Plats", place))}
        {format.is_some_and(ActivityFormat::is_online).then(|| answer("Digitalt", format!("{} {}", f.platform, f.online_url)))}
    }
    .into_any();
    let contact_rows = view! {
        {answer("Kontakt", [f.contact_name.trim(), f.contact_email.trim(), f.contact_phone.trim()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(", "))}
        {answer("Anmälan för deltagare", f.signup_url.clone())}
        {answer("Tillgänglighet", labels(&f.accessibility_features, AccessibilityFeature::from_key, AccessibilityFeature::label))}
        {answer("Mer om tillgängligheten", f.accessibility_note.clone())}
        {answer("Din e-postadress", f.submitter_email.clone())}
    }
    .into_any();
    let consent = Signal::derive(move || {
        if form.with(|f| f.consent) {
            vec!["yes".to_owned()]
        } else {
            Vec::new()
        }
    });
    let on_consent = Callback::new(move |(_, on): (String, bool)| form.update(|f| f.consent = on));
    view! {
        <p class="lead">"Kontrollera uppgifterna innan du skickar. Allt utom din e-postadress visas i programmet."</p>
        {section(Step::Organiser, organiser_rows)}
        {section(Step::Activity, activity_rows)}
        {section(Step::TimePlace, time_rows)}
        {section(Step::Contact, contact_rows)}
        <ChoiceGroup name="consent" legend="Publicering" choices=vec![("yes", "Jag godkänner att uppgifterna om aktiviteten publiceras i Innovationsveckans program.")] selected=consent on_change=on_consent errors />
        <p class="hint">"Anmälan granskas innan den visas i programmet."</p>
    }
}

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
fn SentStatus(draft_id: String) -> impl IntoView {
    let outbox = Outbox::use_context();
    let health = StorageHealth::use_context();
    let id = draft_id.clone();
    let state = Memo::new(move |_| {
        outbox.track();
        outbox.collect_delivered();
        if let Some(record) = store::sent(&id) {
            Some(Ok(record))
        } else {
            store::outbox_entry(&id).map(Err)
        }
    });
    use_page_title(move || {
        match state.get() {
            Some(Ok(_)) => "Anmälan är skickad",
            Some(Err(OutboxEntry {
                state: OutboxState::Refused { .. },
                ..
            })) => "Anmälan behöver ändras",
            Some(Err(_)) => "Anmälan väntar på att skickas",
            None => "Anmälan finns inte",
        }
        .to_owned()
    });
    let retry = move |_| outbox.deliver();
    let announcement = move || match state.get() {
        Some(Ok(_)) => "Anmälan är skickad.",
        Some(Err(OutboxEntry {
            state: OutboxState::Refused { .. },
            ..
        })) => "Anmälan behöver ändras.",
        _ => "",
    };
    view! {
        <p class="visually-hidden" role="status">{announcement}</p>
        <StorageWarning />
        {move || match state.get() {
            Some(Ok(record)) => {
                let link = format!("{}{}", window().location().origin().unwrap_or_default(), record.edit_path());
                let status_text = match record.status {
                    ActivityStatus::Published => "Aktiviteten är publicerad i programmet.",
                    _ => "Aktiviteten väntar nu på granskning. När den är godkänd visas den i programmet.",
                };
                view! {
                    <h1>"Tack! Anmälan är skickad"</h1>
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
            Some(Err(entry)) => match entry.state {
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
                    <h1>"Anmälan väntar på att skickas"</h1>
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
                }
                .into_any(),
            },
            None => view! {
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
        if let Ok(status) = crate::api::submission_status(&record.id, &record.edit_token).await
            && status.status != record.status
        {
            let updated = store::SentRecord {
                status: status.status,
                ..record
            };
            store::save_sent(&updated, health);
            // The page that asked may be gone by now.
            changed.try_update(|n| *n += 1);
        }
    });
}
