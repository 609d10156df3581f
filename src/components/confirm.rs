//! A button that asks before it does what cannot be undone.

use leptos::prelude::*;

/// Shows `label`; pressed, it asks `question` with a confirming and a
/// cancelling button, and moves focus to whichever is there to press next.
#[component]
pub fn ConfirmButton(
    /// The button's visible text, for example "Ta bort".
    label: String,
    /// Read by screen readers after the label, naming what it acts on.
    #[prop(optional)]
    hidden_name: Option<String>,
    /// The question asked before acting.
    question: String,
    /// The confirming button's text, for example "Ja, ta bort".
    confirm: String,
    /// What happens once confirmed.
    on_confirm: Callback<()>,
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
    let hidden = hidden_name.map(|name| format!(" {name}"));
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class="button button--link" node_ref=ask_ref on:click=ask>
                    {label.clone()}
                    {hidden.clone().map(|h| view! { <span class="visually-hidden">{h}</span> })}
                </button>
            }
        >
            <div class="confirm" role="group" aria-label="Bekräfta">
                <p>{question.clone()}</p>
                <button type="button" class="button button--danger" node_ref=confirm_ref on:click=move |_| on_confirm.run(())>
                    {confirm.clone()}
                </button>
                <button type="button" class="button button--secondary" on:click=cancel>"Avbryt"</button>
            </div>
        </Show>
    }
}
