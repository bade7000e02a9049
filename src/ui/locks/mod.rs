//! The locks scene's own views: the lock panel, the queue lock's stage, and the stage of a
//! crowded lease-lock embed. Their geometry is pure and builds natively too.
pub mod geometry;
pub mod phone;

#[cfg(target_arch = "wasm32")]
mod panel;
#[cfg(target_arch = "wasm32")]
pub mod stage;
