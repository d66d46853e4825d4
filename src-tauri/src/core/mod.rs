//! The device core: everything the app does, without a window.
//!
//! [`Device`] owns the local database, the photo folder and the HTTP client.
//! Each concern adds its methods in its own module: [`session`] (login,
//! first download, logout), [`reports`] (filing reports, listing reports and
//! tasks), [`photo_store`] (importing photos through the [`photo`]
//! pipeline), [`sync`] (push the outbox, then pull). The Tauri shell calls
//! these methods and nothing else; tests drive them directly against a real
//! relay on 127.0.0.1.
//!
//! Every local change is written in one transaction together with its
//! operation in the outbox, so nothing the leader saved can be lost between
//! the two; an operation leaves the outbox only when the relay has answered
//! that it applied it (or had applied it before).

pub mod db;
pub mod error;
pub mod hlc;
pub mod model;
pub mod notices;
mod outbox;
pub mod patrol;
pub mod photo;
pub mod photo_store;
pub mod registry;
pub mod relay;
pub mod replica;
pub mod reports;
pub mod roster;
pub mod schedule;
pub mod search;
pub mod session;
pub mod settings;
pub mod steps;
pub mod sync;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

pub use error::{CoreError, ErrorInfo, Result};

use db::Db;

/// The app's state on this phone.
pub struct Device {
    db: Db,
    data_dir: PathBuf,
    http: reqwest::Client,
    syncing: AtomicBool,
    /// Added to the system clock: a phone whose clock is wrong, simulated.
    clock_skew_ms: i64,
    /// The registry search index, built on first use and dropped when a
    /// pull changes the registry.
    search: std::sync::Mutex<Option<search::SearchIndex>>,
}

impl Device {
    /// Opens the device's data folder, creating the database and the photo
    /// folder on first use.
    pub fn open(data_dir: &Path) -> Result<Device> {
        std::fs::create_dir_all(data_dir.join("photos"))?;
        let db = Db::open(&data_dir.join("gridline.db"))?;
        let device = Device {
            db,
            data_dir: data_dir.to_path_buf(),
            http: relay::RelayClient::http_client(),
            syncing: AtomicBool::new(false),
            clock_skew_ms: 0,
            search: std::sync::Mutex::new(None),
        };
        device.device_id()?;
        Ok(device)
    }

    /// The same device with its clock `skew_ms` off the true time, as a
    /// phone set to the wrong time or reset to its factory date would be.
    /// Tests use it; nothing on the device may depend on the clock being right.
    pub fn with_clock_skew(mut self, skew_ms: i64) -> Device {
        self.clock_skew_ms = skew_ms;
        self
    }

    /// The phone's clock, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        db::now_ms() + self.clock_skew_ms
    }

    /// This installation's id, minted on first use.
    pub fn device_id(&self) -> Result<String> {
        self.db.write(|tx| {
            if let Some(id) = db::meta_get(tx, "device_id")? {
                return Ok(id);
            }
            let id = uuid::Uuid::now_v7().to_string();
            db::meta_set(tx, "device_id", &id)?;
            Ok(id)
        })
    }

    /// The folder holding the database and photos.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Sizes of the database and photo folder, in bytes.
    pub fn data_sizes(&self) -> (u64, u64) {
        let file_len = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let db = ["gridline.db", "gridline.db-wal"]
            .iter()
            .map(|f| file_len(self.data_dir.join(f)))
            .sum();
        let photos = std::fs::read_dir(self.data_dir.join("photos"))
            .map(|dir| {
                dir.flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        (db, photos)
    }
}
