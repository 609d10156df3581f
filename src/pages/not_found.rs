use leptos::prelude::*;

use super::use_page_title;
use crate::AppRoute;
use crate::components::AppLink;

/// Shown for an address the app does not have.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    use_page_title(|| "Sidan finns inte".to_owned());
    view! {
        <div class="page">
            <h1>"Sidan finns inte"</h1>
            <p>"Adressen kan vara felstavad, eller så har sidan flyttats."</p>
            <p><AppLink href=AppRoute::Programme(Default::default()).path()>"Gå till programmet"</AppLink></p>
        </div>
    }
}
