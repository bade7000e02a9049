//! The WebAssembly entry point: mounts the app (see `dsviz::ui::start`).
#[cfg(target_arch = "wasm32")]
fn main() {
    dsviz::ui::start();
}

/// The app only runs in a browser; natively, use `cargo test` and the examples.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("dsviz runs in the browser: serve it with `bash .ci/serve` (see README.md).");
}
