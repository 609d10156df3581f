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
}
