//! Photos on the device: upload copies made by the [`photo`](super::photo)
//! pipeline, stored as `<data>/photos/<sha256>.jpg` and listed in `photos`.

use std::path::PathBuf;

use rusqlite::params;

use super::error::{CoreError, Result};
use super::model::{LatLon, PhotoInfo, PhotoRef};
use super::photo::prepare_upload;
use super::Device;

/// The URL the web view loads a stored photo from. The shell serves this
/// scheme from the photo folder; Windows and Android web views reach custom
/// schemes through `http://<scheme>.localhost`.
pub fn photo_url(sha256: &str) -> String {
    if cfg!(any(windows, target_os = "android")) {
        format!("http://gridline-photo.localhost/{sha256}")
    } else {
        format!("gridline-photo://localhost/{sha256}")
    }
}

/// Whether `s` looks like a lowercase hex SHA-256.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Device {
    /// Turns a picked file into an upload copy and keeps it. Importing the
    /// same picture twice yields the same hash and stores it once.
    pub fn import_photo(&self, bytes: &[u8]) -> Result<PhotoInfo> {
        let copy = prepare_upload(bytes)?;
        let path = self.photo_path(&copy.sha256);
        if !path.exists() {
            let tmp = path.with_extension("part");
            std::fs::write(&tmp, &copy.jpeg)?;
            std::fs::rename(&tmp, &path)?;
        }
        let gps = copy.camera.gps.as_ref().map(|g| LatLon {
            lat: g.lat,
            lon: g.lon,
        });
        self.db.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO photos (sha256, bytes, width_px, height_px, taken_at,
                                               exif_lat, exif_lon, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    copy.sha256,
                    copy.jpeg.len() as i64,
                    copy.width,
                    copy.height,
                    copy.camera.taken_at,
                    gps.map(|g| g.lat),
                    gps.map(|g| g.lon),
                    self.now_ms()
                ],
            )?;
            Ok(())
        })?;
        tracing::info!(sha256 = %copy.sha256, bytes = copy.jpeg.len(), "photo imported");
        Ok(PhotoInfo {
            url: photo_url(&copy.sha256),
            bytes: copy.jpeg.len() as u64,
            sha256: copy.sha256,
            width: copy.width,
            height: copy.height,
            exif_position: gps,
            taken_at: copy.camera.taken_at,
        })
    }

    /// Where the upload copy with this hash is (or would be) stored.
    pub fn photo_path(&self, sha256: &str) -> PathBuf {
        self.data_dir.join("photos").join(format!("{sha256}.jpg"))
    }

    /// The bytes of a stored photo, for the shell's photo scheme.
    pub fn read_photo(&self, sha256: &str) -> Result<Vec<u8>> {
        if !is_sha256(sha256) {
            return Err(CoreError::PhotoNotFound(sha256.to_owned()));
        }
        std::fs::read(self.photo_path(sha256)).map_err(|_| CoreError::PhotoNotFound(sha256.into()))
    }

    pub(crate) fn photo_refs(hashes: impl IntoIterator<Item = String>) -> Vec<PhotoRef> {
        hashes
            .into_iter()
            .map(|sha256| PhotoRef {
                url: photo_url(&sha256),
                sha256,
            })
            .collect()
    }
}
