use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

use crate::{AppRoute, Part};

fn home() -> String {
    AppRoute::Programme(Default::default()).path()
}

/// A link that works across the apps: within the current one the router
/// follows it, to another one it is an ordinary page load.
#[component]
pub fn AppLink(
    #[prop(into)] href: String,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let here = use_context::<Part>().unwrap_or(Part::Programme);
    if Part::of_path(&href) == here {
        view! { <A href=href attr:class=class>{children()}</A> }.into_any()
    } else {
        view! { <a href=href class=class rel="external">{children()}</a> }.into_any()
    }
}

/// The site's header, on every page.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <AppLink href=home() class="site-name">"Innovationsveckan"</AppLink>
                <nav aria-label="Huvudmeny">
                    <ul>
                        <li><AppLink href=home()>"Programmet"</AppLink></li>
                        <li><AppLink href="/mitt-program">"Mitt program"</AppLink></li>
                        <li><AppLink href="/anmal">"Anmäl aktivitet"</AppLink></li>
                        <li><AppLink href="/utkast">"Mina anmälningar"</AppLink></li>
                        <li><AppLink href="/om">"Om"</AppLink></li>
                    </ul>
                </nav>
            </div>
        </header>
    }
}

/// The site's footer, on every page.
#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <nav aria-label="Sidfot">
                <ul class="site-footer__links">
                    <li><AppLink href=home()>"Programmet"</AppLink></li>
                    <li><AppLink href="/mitt-program">"Mitt program"</AppLink></li>
                    <li><AppLink href="/anmal">"Anmäl aktivitet"</AppLink></li>
                    <li><AppLink href="/utkast">"Mina anmälningar"</AppLink></li>
                    <li><AppLink href="/om">"Om Innovationsveckan"</AppLink></li>
                    <li><AppLink href="/om/anmala">"Så anmäler du en aktivitet"</AppLink></li>
                    <li><AppLink href="/statistik">"Programmet i siffror"</AppLink></li>
                    <li><AppLink href="/oppna-data">"Öppna data"</AppLink></li>
                    <li><AppLink href=AppRoute::Accessibility.path()>"Tillgänglighetsredogörelse"</AppLink></li>
                </ul>
            </nav>
            <p>
                "Innovationsveckan är den offentliga sektorns innovationsvecka. Den drivs av "
                "Sveriges Kommuner och Regioner (SKR), Vinnova, Upphandlingsmyndigheten och "
                "Myndigheten för digital förvaltning (DIGG)."
            </p>
            <p>"Varje arrangör ansvarar för sin egen aktivitet."</p>
        </footer>
    }
}

/// Moves keyboard and screen-reader focus to the page's main heading when the
/// visitor goes to another page (not when only the filters in the query change),
/// as a full page load would.
#[component]
pub fn FocusOnNavigation() -> impl IntoView {
    let pathname = use_location().pathname;
    Effect::new(move |previous: Option<String>| {
        let path = pathname.get();
        if previous.as_ref().is_some_and(|p| *p != path) {
            // After the new page has rendered.
            request_animation_frame(|| focus_heading(600));
        }
        path
    });
}

/// Focuses the page's main heading; when the page is still loading (its
/// heading will be replaced), once more when it has loaded, looked for in
/// each of at most `frames` frames.
fn focus_heading(frames: u32) {
    let loading = || {
        document()
            .query_selector("main .loading")
            .ok()
            .flatten()
            .is_some()
    };
    focus_main_heading();
    if loading() {
        wait_to_focus(frames, loading);
    }
}

fn wait_to_focus(frames: u32, loading: impl Fn() -> bool + 'static) {
    request_animation_frame(move || {
        if !loading() {
            focus_main_heading();
        } else if frames > 0 {
            wait_to_focus(frames - 1, loading);
        }
    });
}

fn focus_main_heading() {
    let target = document()
        .query_selector("main h1")
        .ok()
        .flatten()
        .or_else(|| document().get_element_by_id("innehall"));
    if let Some(element) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        if !element.has_attribute("tabindex") {
            let _ = element.set_attribute("tabindex", "-1");
        }
        let _ = element.focus();
    }
}
