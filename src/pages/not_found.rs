use leptos::prelude::*;
use leptos_router::components::A;

use super::use_page_title;
use crate::AppRoute;

/// Shown for an address the app does not have.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    use_page_title(|| "Sidan finns inte".to_owned());
    view! {
        <div class="page">
            <h1>"Sidan finns inte"</h1>
            <p>"Adressen kan vara felstavad, eller så har sidan flyttats."</p>
            <p><A href=AppRoute::Programme(Default::default()).path()>"Gå till programmet"</A></p>
        </div>
    }
}
