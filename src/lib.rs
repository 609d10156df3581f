//! The Innovationsveckan web app: two Leptos client-side apps compiled to
//! WebAssembly with Trunk, sharing this library. The programme (`src/main.rs`,
//! `index.html`) fetches the programme once and filters it in the browser with the
//! `programme` crate; the registration (`src/bin/anmalan.rs`, `anmal.html`) is the
//! wizard, the drafts and the outbox. Two builds keep the public programme's first
//! load free of the wizard's code; links between them are ordinary page loads.
//! Build both with `scripts/build-app.sh`; the server serves `dist/`.

/// Talc instead of the standard library's dlmalloc: smaller WebAssembly.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod admin;
pub mod api;
mod components;
mod outbox;
mod pages;
mod routes;
mod store;
pub mod wire;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

pub use admin::AdminApp;
pub use routes::AppRoute;

/// How many activities the programme renders at a time; "Visa fler" adds as
/// many again. Enough to fill two phone screens, few enough to render at once.
pub const PAGE_SIZE: usize = 20;

use components::{FocusOnNavigation, SiteFooter, SiteHeader};
use pages::{
    AccessibilityPage, ActivityPage, MyProgrammePage, MyRegistrationsPage, NotFoundPage,
    ProgrammePage, RegisterStartPage, SentPage, SubmissionPage, TemplatePage, WizardPage,
};

/// The two apps; a link to a page of the other one is a full page load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Programme,
    Registration,
    MyProgramme,
    Info,
    /// The operators' app: no public path is its own.
    Admin,
}

impl Part {
    /// The app a path belongs to (the server makes the same choice).
    pub fn of_path(path: &str) -> Part {
        if programme::is_registration_path(path) {
            Part::Registration
        } else if programme::is_my_programme_path(path) {
            Part::MyProgramme
        } else if programme::is_info_path(path) {
            Part::Info
        } else {
            Part::Programme
        }
    }
}

/// What both apps share around their pages: skip link, header, footer, and
/// the outbox that sends waiting registrations whenever either app is open.
#[component]
fn Frame(part: Part, children: Children) -> impl IntoView {
    // Either app sends what waits in the outbox, with the same loop.
    let health = store::StorageHealth::new();
    provide_context(health);
    provide_context(outbox::Outbox::start(health));
    provide_context(part);
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
            <main id="innehall" tabindex="-1">{children()}</main>
            <SiteFooter />
        </Router>
    }
}

/// The programme: the programme data every page shares, and the routes.
#[component]
pub fn App() -> impl IntoView {
    let programme = api::ProgrammeResource::fetch_programme();
    provide_context(programme);
    components::MyProgramme::provide();
    // The edition is kept for drafting offline in the registration app.
    Effect::new(move |_| {
        if let Some(Ok(data)) = programme.get() {
            store::save_edition(&data.edition);
        }
    });
    watch_offline_copy(programme);
    view! {
        <Frame part=Part::Programme>
            <OfflineNotice programme />
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/") view=ProgrammePage />
                <Route path=path!("/tillganglighet") view=AccessibilityPage />
                <Route path=path!("/aktivitet/:id") view=ActivityPage />
            </Routes>
        </Frame>
    }
}

/// "Mitt program" (`mitt-program.html`): the starred activities, read from
/// the same programme data, offline too.
#[component]
pub fn MyProgrammeApp() -> impl IntoView {
    let programme = api::ProgrammeResource::fetch_programme();
    provide_context(programme);
    components::MyProgramme::provide();
    watch_offline_copy(programme);
    view! {
        <Frame part=Part::MyProgramme>
            <OfflineNotice programme />
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/mitt-program") view=MyProgrammePage />
            </Routes>
        </Frame>
    }
}

/// The information pages (`om.html`): about Innovationsveckan, how to
/// register, the programme in figures and the open data. They fetch what
/// they show when opened (the edition, the figures), not the programme.
#[component]
pub fn InfoApp() -> impl IntoView {
    let edition = api::EditionResource::fetch_edition();
    provide_context(edition);
    view! {
        <Frame part=Part::Info>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/om") view=pages::AboutPage />
                <Route path=path!("/om/anmala") view=pages::HowToTakePartPage />
                <Route path=path!("/statistik") view=pages::StatisticsPage />
                <Route path=path!("/oppna-data") view=pages::OpenDataPage />
            </Routes>
        </Frame>
    }
}

/// Fetches the programme again once the copy kept offline is shown and the
/// network is back, or the server answers again.
fn watch_offline_copy(programme: api::ProgrammeResource) {
    // Read from the copy kept offline: fetched again when the network is
    // back, or when the server answers again (asked every 10 seconds, so the
    // page is not rebuilt while it is still offline).
    let is_offline_copy =
        move || matches!(programme.get_untracked(), Some(Ok(data)) if data.offline_since.is_some());
    let _online = window_event_listener(leptos::ev::online, move |_| {
        if is_offline_copy() {
            programme.refetch();
        }
    });
    let _ = set_interval_with_handle(
        move || {
            if is_offline_copy() {
                leptos::task::spawn_local(async move {
                    if api::server_answers().await {
                        programme.refetch();
                    }
                });
            }
        },
        std::time::Duration::from_secs(10),
    );
}

/// Says that the programme on screen is the copy kept offline, and from when.
#[component]
fn OfflineNotice(programme: api::ProgrammeResource) -> impl IntoView {
    view! {
            {move || programme.get().and_then(Result::ok).and_then(|data| data.offline_since).map(|since| view! {
                <p class="notice offline-notice" role="status">
                    {format!(
                        "Du läser programmet utan anslutning. Det hämtades {} och uppdateras av sig självt när anslutningen fungerar igen.",
                        programme::time::format_moment_ms(since)
                    )}
                </p>
            })}
    }
}

/// The registration: the wizard, the person's drafts and registrations.
#[component]
pub fn RegistrationApp() -> impl IntoView {
    let edition = api::EditionResource::fetch_edition();
    provide_context(edition);
    // Kept for drafting offline.
    Effect::new(move |_| {
        if let Some(Ok(edition)) = edition.get() {
            store::save_edition(&edition);
        }
    });
    view! {
        <Frame part=Part::Registration>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/anmal") view=RegisterStartPage />
                <Route path=path!("/anmal/mall/:id") view=TemplatePage />
                <Route path=path!("/anmal/:id/skickad") view=SentPage />
                <Route path=path!("/anmal/:id/:step") view=WizardPage />
                <Route path=path!("/utkast") view=MyRegistrationsPage />
                <Route path=path!("/anmalan/:id") view=SubmissionPage />
            </Routes>
        </Frame>
    }
}

/// Starts an app in the browser: it takes the place of the app shell that
/// the HTML painted before the WebAssembly loaded.
pub fn start<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    use wasm_bindgen::JsCast;
    let shell = document()
        .get_element_by_id("app")
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    match shell {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, app).forget();
        }
        None => leptos::mount::mount_to_body(app),
    }
    register_service_worker();
}

/// Lets the service worker in public/sw.js keep the apps' files for offline
/// use. Browsers without service workers (or on plain http other than
/// localhost) simply do without.
fn register_service_worker() {
    let navigator = window().navigator();
    let supported = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if supported {
        // A failed registration only means no offline copy: nothing to tell.
        let _ = navigator.service_worker().register("/sw.js");
    }
}
