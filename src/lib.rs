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
#[cfg(not(target_arch = "wasm32"))]
pub mod ssr;
mod store;
pub mod wire;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::JsCast;

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
    provide_context(Site::of_window());
    view! { <Layout>{children()}</Layout> }
}

/// The page around every page: the router, skip link, header, main and
/// footer. The server renders it too (with the same contexts provided).
#[component]
fn Layout(children: Children) -> impl IntoView {
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

/// Where the site is reached: for the links that must be absolute (a
/// calendar subscription, a calendar service's link back).
#[derive(Debug, Clone)]
pub struct Site {
    /// `https://example.se`
    pub origin: String,
    /// `example.se`
    pub host: String,
}

impl Site {
    fn of_window() -> Self {
        let location = window().location();
        Site {
            origin: location.origin().unwrap_or_default(),
            host: location.host().unwrap_or_default(),
        }
    }

    pub fn use_context() -> Self {
        use_context::<Site>().unwrap_or(Site {
            origin: String::new(),
            host: String::new(),
        })
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
            <ProgrammeRoutes programme />
        </Frame>
    }
}

/// The programme app's pages, in the browser and on the server.
#[component]
fn ProgrammeRoutes(programme: api::ProgrammeResource) -> impl IntoView {
    view! {
        <OfflineNotice programme />
        <Routes fallback=|| view! { <NotFoundPage /> }>
            <Route path=path!("/") view=ProgrammePage />
            <Route path=path!("/tillganglighet") view=AccessibilityPage />
            <Route path=path!("/aktivitet/:id") view=ActivityPage />
        </Routes>
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
            <RegistrationRoutes />
        </Frame>
    }
}

/// The registration app's pages, in the browser and on the server.
#[component]
fn RegistrationRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <NotFoundPage /> }>
            <Route path=path!("/anmal") view=RegisterStartPage />
            <Route path=path!("/anmal/mall/:id") view=TemplatePage />
            <Route path=path!("/anmal/:id/skickad") view=SentPage />
            <Route path=path!("/anmal/:id/:step") view=WizardPage />
            <Route path=path!("/utkast") view=MyRegistrationsPage />
            <Route path=path!("/anmalan/:id") view=SubmissionPage />
        </Routes>
    }
}

/// Starts an app in the browser. The server has sent the page's first
/// screen as HTML, rendered from these same components: the app renders
/// beside it, out of sight, and takes its place once it shows the same
/// (its data has come) — or at once where the server could only send the
/// frame with "Sidan laddas …". What the visitor did meanwhile carries over:
/// what they typed or chose, where the focus was, and the last button they
/// pressed, pressed again in the app.
pub fn start<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    let root = document()
        .create_element("div")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    let first_screen = document().get_element_by_id("app");
    match (root, first_screen) {
        (Some(root), Some(first_screen)) => {
            root.set_id("app");
            let pressed = remember_presses(&first_screen);
            leptos::mount::mount_to(root.clone(), app).forget();
            take_over_when_ready(first_screen, root.into(), pressed);
        }
        _ => leptos::mount::mount_to_body(app),
    }
    register_service_worker();
}

/// A place in the first screen, as the child indices from its root: the
/// same place in the app, whose markup is the same.
type Place = Vec<u32>;

fn place_of(root: &web_sys::Element, element: &web_sys::Element) -> Option<Place> {
    let mut place = Vec::new();
    let mut at = element.clone();
    while &at != root {
        let parent = at.parent_element()?;
        let children = parent.children();
        let index = (0..children.length()).find(|&i| children.item(i).as_ref() == Some(&at))?;
        place.push(index);
        at = parent;
    }
    place.reverse();
    Some(place)
}

fn element_at(root: &web_sys::Element, place: &[u32]) -> Option<web_sys::Element> {
    place
        .iter()
        .try_fold(root.clone(), |at, &index| at.children().item(index))
}

/// Notes the last button pressed in the first screen (it does nothing
/// there: the app is not running yet).
fn remember_presses(
    first_screen: &web_sys::Element,
) -> std::rc::Rc<std::cell::Cell<Option<Place>>> {
    let pressed = std::rc::Rc::new(std::cell::Cell::new(None));
    let noted = std::rc::Rc::clone(&pressed);
    let root = first_screen.clone();
    let listener =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let button = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("button[type=button]").ok().flatten());
            if let Some(place) = button.and_then(|b| place_of(&root, &b)) {
                noted.set(Some(place));
            }
        });
    let _ =
        first_screen.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
    listener.forget();
    pressed
}

/// Puts the app in the first screen's place as soon as it no longer waits
/// for its data, checked before each paint; at once when the first screen
/// itself only says that the page is loading.
fn take_over_when_ready(
    first_screen: web_sys::Element,
    app: web_sys::Element,
    pressed: std::rc::Rc<std::cell::Cell<Option<Place>>>,
) {
    let loading =
        |element: &web_sys::Element| element.query_selector(".loading").ok().flatten().is_some();
    if loading(&app) && !loading(&first_screen) {
        request_animation_frame(move || take_over_when_ready(first_screen, app, pressed));
        return;
    }
    carry_over(&first_screen, &app);
    let focused = document()
        .active_element()
        .and_then(|element| place_of(&first_screen, &element));
    // Marked for the browser tests (and any style that cares).
    let _ = app.set_attribute("data-running", "");
    let _ = first_screen.replace_with_with_node_1(&app);
    let in_app = |place: Option<Place>| {
        place
            .and_then(|place| element_at(&app, &place))
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    };
    if let Some(element) = in_app(focused) {
        let _ = element.focus();
    }
    if let Some(button) = in_app(pressed.take()) {
        button.click();
    }
}

/// What the visitor typed or chose in the first screen's fields before the
/// app took over goes into the app's same fields, as if typed there:
/// nothing is lost.
fn carry_over(first_screen: &web_sys::Element, app: &web_sys::Element) {
    let Ok(fields) = first_screen.query_selector_all("input, select, textarea") else {
        return;
    };
    let value = |element: &web_sys::Element| {
        js_sys::Reflect::get(element, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
    };
    for field in (0..fields.length()).filter_map(|i| fields.get(i)) {
        let Ok(field) = field.dyn_into::<web_sys::Element>() else {
            continue;
        };
        let Some(target) = place_of(first_screen, &field).and_then(|p| element_at(app, &p)) else {
            continue;
        };
        let (Some(typed), Some(shown)) = (value(&field), value(&target)) else {
            continue;
        };
        if typed != shown {
            let _ = js_sys::Reflect::set(&target, &"value".into(), &typed.into());
            let kind = if field.tag_name() == "SELECT" {
                "change"
            } else {
                "input"
            };
            if let Ok(event) = web_sys::Event::new(kind) {
                let _ = target.dispatch_event(&event);
            }
        }
    }
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
