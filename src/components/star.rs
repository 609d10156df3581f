//! "Mitt program": the visitor's own selection of activities, kept in the
//! browser without any login, and the star that puts an activity in it.

use leptos::prelude::*;
use programme::Activity;

use crate::store::{self, Starred};

/// The starred activities, shared by every page of the programme app.
#[derive(Clone, Copy)]
pub struct MyProgramme(RwSignal<Vec<Starred>>);

impl MyProgramme {
    /// Reads the selection from local storage and provides it.
    pub fn provide() -> Self {
        let my = MyProgramme(RwSignal::new(store::starred()));
        provide_context(my);
        my
    }

    pub fn use_context() -> Self {
        expect_context::<Self>()
    }

    pub fn list(&self) -> Vec<Starred> {
        self.0.get()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.with(|list| list.iter().any(|s| s.id == id))
    }

    /// Stars the activity, or takes its star away.
    pub fn toggle(&self, activity: &Activity) {
        self.0.update(|list| {
            if let Some(at) = list.iter().position(|s| s.id == activity.id) {
                list.remove(at);
            } else {
                // Its whole record, for the service worker to keep: a
                // starred activity opens offline in full.
                let id = activity.id.clone();
                leptos::task::spawn_local(async move {
                    let _ = crate::api::public_activity(&id).await;
                });
                list.push(Starred {
                    id: activity.id.clone(),
                    title: activity.title.clone(),
                    starts_at_ms: activity.starts_at.timestamp_millis(),
                });
            }
            store::save_starred(list);
        });
    }

    /// Takes an activity that left the programme out of the selection.
    pub fn forget(&self, id: &str) {
        self.0.update(|list| {
            list.retain(|s| s.id != id);
            store::save_starred(list);
        });
    }
}

/// A toggle button that stars an activity into "Mitt program"; its name
/// says which activity, `aria-pressed` whether it is in.
#[component]
pub fn StarButton(activity: Activity) -> impl IntoView {
    let my = MyProgramme::use_context();
    let id = activity.id.clone();
    let pressed = Memo::new(move |_| my.contains(&id));
    let title = activity.title.clone();
    view! {
        <button
            type="button"
            class="button button--secondary star"
            aria-pressed=move || if pressed.get() { "true" } else { "false" }
            on:click=move |_| my.toggle(&activity)
        >
            <span aria-hidden="true">{move || if pressed.get() { "★ " } else { "☆ " }}</span>
            "Mitt program"
            <span class="visually-hidden">{format!(": ”{title}”")}</span>
        </button>
    }
}
