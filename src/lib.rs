//! The Innovationsveckan web app: a Leptos client-side app compiled to WebAssembly
//! with Trunk. It fetches the programme once and filters it in the browser with the
//! `programme` crate. Build it with `trunk build --release`; the server serves `dist/`.

pub mod api;
mod components;
mod outbox;
mod pages;
mod routes;
mod store;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

pub use routes::AppRoute;

/// How many activities the programme renders at a time; "Visa fler" adds as
/// many again. Enough to fill two phone screens, few enough to render at once.
pub const PAGE_SIZE: usize = 20;

use components::{FocusOnNavigation, SiteFooter, SiteHeader};
use pages::{
    AccessibilityPage, ActivityPage, MyRegistrationsPage, NotFoundPage, ProgrammePage,
    RegisterStartPage, SentPage, SubmissionPage, WizardPage,
};

/// The whole app: the programme data every page shares, and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_context(api::ProgrammeResource::new());
    let health = store::StorageHealth::new();
    provide_context(health);
    provide_context(outbox::Outbox::start(health));
    view! {
        <Router>
            // The router would treat the fragment link as a navigation and leave
            // focus behind; the skip link must move it.
            <a
                class="skip-link"
                href="#innehall"
                on:click=|ev| {
                    ev.prevent_default();
                    components::form::focus_id("innehall");
                }
            >
                "Hoppa till innehållet"
            </a>
            <FocusOnNavigation />
            <SiteHeader />
            <main id="innehall" tabindex="-1">
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/") view=ProgrammePage />
                    <Route path=path!("/tillganglighet") view=AccessibilityPage />
                    <Route path=path!("/aktivitet/:id") view=ActivityPage />
                    <Route path=path!("/anmal") view=RegisterStartPage />
                    <Route path=path!("/anmal/:id/skickad") view=SentPage />
                    <Route path=path!("/anmal/:id/:step") view=WizardPage />
                    <Route path=path!("/utkast") view=MyRegistrationsPage />
                    <Route path=path!("/anmalan/:id") view=SubmissionPage />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}
