//! The WebAssembly entry point: mounts the app (see `dsviz::ui::start`).
//!
//! wasm-bindgen runs `main` whenever the module is loaded, and the Explore panel's Web
//! Worker loads this same module (`dsviz::ui::explore::in_worker`): there is no window
//! there, and nothing to mount.
#[cfg(target_arch = "wasm32")]
fn main() {
    if web_sys::window().is_none() {
        return;
    }
    dsviz::ui::start();
}

/// The app only runs in a browser; natively, use `cargo test` and the examples.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("dsviz runs in the browser: serve it with `bash .ci/serve` (see README.md).");
}
