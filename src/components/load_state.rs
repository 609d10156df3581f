use leptos::prelude::*;

use crate::api::ApiError;

/// What shows while the programme is being fetched.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="loading" role="status">
            <span class="loading__spinner" aria-hidden="true"></span>
            "Programmet laddas …"
        </div>
    }
}

/// A whole page that is loading: what the server sends for a page whose
/// content only the app can show.
#[cfg(not(target_arch = "wasm32"))]
#[component]
pub fn LoadingPage() -> impl IntoView {
    view! {
        <div class="page">
            <div class="loading" role="status">
                <span class="loading__spinner" aria-hidden="true"></span>
                "Sidan laddas …"
            </div>
        </div>
    }
}

/// A failed load, with a way to try again.
#[component]
pub fn LoadError(
    /// Why loading failed.
    error: ApiError,
    /// Called when the visitor asks to try again.
    on_retry: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="notice notice--error" role="alert">
            <h2>"Programmet kunde inte hämtas"</h2>
            <p>{error.message()}</p>
            <button type="button" class="button" on:click=move |_| on_retry.run(())>
                "Försök igen"
            </button>
        </div>
    }
}
