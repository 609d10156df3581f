//! Starts the operators' app in the browser (built with Trunk from admin.html).

fn main() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
    innovationsveckan::start(innovationsveckan::AdminApp);
}
