//! Starts the Innovationsveckan web app in the browser (built with Trunk).

fn main() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(innovationsveckan::App);
}
