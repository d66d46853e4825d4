//! Gridline (网格通), the grid leader's app.
//!
//! [`core`] is the device: a local SQLite copy of the leader's grid, an
//! outbox of changes, the sync client and the photo pipeline. The Tauri
//! shell (feature `shell`) is a thin layer of commands over it.

pub mod core;

#[cfg(feature = "shell")]
mod shell;

#[cfg(feature = "shell")]
pub use shell::run;
