use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

use crate::AppRoute;

fn home() -> String {
    AppRoute::Programme(Default::default()).path()
}

/// The site's header, on every page.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <A href=home() attr:class="site-name">"Innovationsveckan"</A>
                <nav aria-label="Huvudmeny">
                    <ul>
                        <li><A href=home()>"Programmet"</A></li>
                        <li><A href="/anmal">"Anmäl aktivitet"</A></li>
                        <li><A href="/utkast">"Mina anmälningar"</A></li>
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
            <p>
                "Innovationsveckan är den offentliga sektorns innovationsvecka. Den drivs av "
                "Sveriges Kommuner och Regioner (SKR), Vinnova, Upphandlingsmyndigheten och "
                "Myndigheten för digital förvaltning (DIGG)."
            </p>
            <p>"Varje arrangör ansvarar för sin egen aktivitet."</p>
            <p><A href=AppRoute::Accessibility.path()>"Tillgänglighetsredogörelse"</A></p>
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
            request_animation_frame(|| {
                let target = document()
                    .query_selector("main h1")
                    .ok()
                    .flatten()
                    .or_else(|| document().get_element_by_id("innehall"));
                if let Some(element) =
                    target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    if !element.has_attribute("tabindex") {
                        let _ = element.set_attribute("tabindex", "-1");
                    }
                    let _ = element.focus();
                }
            });
        }
        path
    });
}
