//! Keeps a draft in local storage while the wizard is open: shortly after
//! each change, at once when the step changes, the page is hidden or the wizard
//! closes, and joined with what another tab saves of the same draft.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use leptos::prelude::*;
use programme::draft::{Draft, DraftForm, Step};

use crate::store::{self, StorageHealth};

/// Keeps a draft in storage: shortly after each change, and at once when the
/// step changes, the page is hidden or the wizard closes, so nothing typed is lost.
#[derive(Clone)]
pub(super) struct DraftSaver {
    state: Arc<Mutex<SaverState>>,
    health: StorageHealth,
    /// The form on screen, given what another tab changed meanwhile.
    form: RwSignal<DraftForm>,
    /// Set when the draft turns out to have been sent meanwhile (from another
    /// tab): it is then not saved again, or it would come back as a second
    /// registration.
    pub(super) sent_elsewhere: RwSignal<bool>,
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
    pub(super) fn new(draft: Draft, health: StorageHealth, form: RwSignal<DraftForm>) -> Self {
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
    pub(super) fn moved_to(&self, step: Step) {
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

    pub(super) fn flush(&self) {
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

    /// Keeps the draft saved from now on, for as long as the wizard is
    /// open: every change of the form, the page being hidden, the wizard
    /// closing, and another tab's saves of the same draft.
    pub(super) fn keep_saved(&self) {
        let saver = self;
        let form = self.form;
        let draft_id = self.lock().draft.id.clone();
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
            // Another tab saved this draft: its changes show here too, joined
            // with this tab's typing.
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
    }
}
