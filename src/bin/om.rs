//! Starts the information pages in the browser (built with Trunk from om.html):
//! about Innovationsveckan, how to register, the programme in figures and the
//! open data.

fn main() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
    innovationsveckan::start(innovationsveckan::InfoApp);
}
