//! The registration wizard: `/anmal` (start), `/anmal/{draft}/{step}` (one page
//! per step, so reload and the browser's back and forward buttons work), and
//! `/anmal/{draft}/skickad` (what happened to the sent registration).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use programme::draft::{Draft, DraftForm, DraftProblem, EditOf, Step};
use programme::{Edition, FieldErrors};

use super::use_page_title;
use crate::api::{EditionResource, Refusal};
use crate::components::form::{ErrorSummary, Errors, focus_id};
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

mod sent;
mod steps;
mod template;

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
use steps::{activity_step, contact_step, organiser_step, review_step, time_place_step};

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
    /// The form on screen, given what another tab changed meanwhile.
    form: RwSignal<DraftForm>,
    /// Set when the draft turns out to have been sent meanwhile (from another
    /// tab): it is then not saved again, or it would come back as a second
    /// registration.
    sent_elsewhere: RwSignal<bool>,
}

struct SaverState {
    draft: Draft,
    /// The form as this tab last saw it in storage: what another tab's
    /// changes and this tab's are both measured from.
    base: DraftForm,
    dirty: bool,
    timer: Option<leptos::prelude::TimeoutHandle>,
}

impl DraftSaver {
    fn new(draft: Draft, health: StorageHealth, form: RwSignal<DraftForm>) -> Self {
        DraftSaver {
            sent_elsewhere: RwSignal::new(false),
            state: Arc::new(Mutex::new(SaverState {
                base: draft.form.clone(),
                draft,
                dirty: false,
                timer: None,
            })),
            health,
            form,
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

    /// Takes in the draft as another tab saved it: the fields it changed,
    /// joined with this tab's own changes still to save (see
    /// [`DraftForm::merge`]). Returns the form to show, if it changed.
    fn reload(&self, draft: Draft) -> Option<DraftForm> {
        let mut state = self.lock();
        if draft.form == state.base {
            return None;
        }
        let theirs = draft.form.clone();
        // What is on screen, which may hold typing the saver has not been
        // told of yet (its effect runs after the event that brought it).
        let ours = self.form.get_untracked();
        let ours_unsaved = state.dirty || ours != state.draft.form;
        let merged = if ours_unsaved {
            DraftForm::merge(&state.base, &ours, &theirs)
        } else {
            theirs.clone()
        };
        state.base = theirs;
        if !ours_unsaved {
            state.draft = draft;
        }
        state.draft.form = merged.clone();
        // The joined form holds this tab's typing: save it now.
        state.dirty = ours_unsaved;
        drop(state);
        if ours_unsaved {
            self.flush();
        }
        (merged != ours).then_some(merged)
    }

    fn flush(&self) {
        let mut state = self.lock();
        if let Some(timer) = state.timer.take() {
            timer.clear();
        }
        let mut joined = None;
        if state.dirty {
            state.dirty = false;
            if store::is_sent_or_queued(&state.draft.id) {
                self.sent_elsewhere.try_set(true);
            } else {
                // Another tab may have saved since this one last looked:
                // keep its changes too.
                if let Ok(Some(stored)) = store::load_draft(&state.draft.id)
                    && stored.form != state.base
                {
                    let merged = DraftForm::merge(&state.base, &state.draft.form, &stored.form);
                    if merged != state.draft.form {
                        state.draft.form = merged.clone();
                        joined = Some(merged);
                    }
                }
                store::save_draft(&state.draft, self.health);
                state.base = state.draft.form.clone();
            }
        }
        drop(state);
        if let Some(form) = joined {
            self.form.try_set(form);
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
