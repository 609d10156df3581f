//! Starts "Mitt program" in the browser (built with Trunk from mitt-program.html).

fn main() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
    innovationsveckan::start(innovationsveckan::MyProgrammeApp);
}
