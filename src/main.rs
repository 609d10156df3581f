//! Starts the programme app in the browser (built with Trunk from index.html).

fn main() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
    innovationsveckan::start(innovationsveckan::App);
}
