//! Starts the Innovationsveckan web app in the browser (built with Trunk).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn main() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
    // index.html paints an app shell before the WebAssembly loads; the app takes
    // its place.
    let shell = document()
        .get_element_by_id("app")
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    match shell {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, innovationsveckan::App).forget();
        }
        None => leptos::mount::mount_to_body(innovationsveckan::App),
    }
    register_service_worker();
}

/// Lets the service worker in public/sw.js keep the app's files for offline
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
