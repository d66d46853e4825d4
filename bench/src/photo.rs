//! The photo upload copy: Gridline's pipeline against `vipsthumbnail`, on
//! the same phone photo in the same run.
//!
//! Both make a JPEG at most 1600 px on the long side without metadata.
//! Gridline's pipeline runs in this process (as it does in the app);
//! `vipsthumbnail` is timed as the process a server would run, start-up
//! included, with quality 82 and metadata stripped.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};
use gridline_app::core::photo::prepare_upload;

/// One run of each.
#[derive(Debug, Clone, Copy)]
pub struct PhotoRun {
    pub gridline_ms: f64,
    pub gridline_bytes: usize,
    pub vips_ms: f64,
    pub vips_bytes: u64,
}

/// Runs both `runs` times, alternating, on the photo at `path`; `work` is
/// where vips writes its copies.
pub fn compare(path: &Path, work: &Path, runs: usize) -> anyhow::Result<Vec<PhotoRun>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut results = Vec::with_capacity(runs);
    for run in 0..runs {
        let started = Instant::now();
        let copy = prepare_upload(&bytes).map_err(|e| anyhow::anyhow!("{} ({})", e, e.code()))?;
        let gridline_ms = started.elapsed().as_secs_f64() * 1e3;

        let out = work.join(format!("vips-{run}.jpg"));
        let started = Instant::now();
        let status = Command::new("vipsthumbnail")
            .arg(path)
            .args(["--size", "1600x1600", "-o"])
            .arg(format!("{}[Q=82,strip]", out.display()))
            .status()
            .context("running vipsthumbnail (is libvips-tools installed?)")?;
        let vips_ms = started.elapsed().as_secs_f64() * 1e3;
        if !status.success() {
            bail!("vipsthumbnail failed: {status}");
        }
        results.push(PhotoRun {
            gridline_ms,
            gridline_bytes: copy.jpeg.len(),
            vips_ms,
            vips_bytes: std::fs::metadata(&out)?.len(),
        });
    }
    Ok(results)
}

/// The photo's path: `<shared>/data/photos/<file>` as `INVENTORY.csv`
/// lists it.
pub fn find(photos_dir: &Path, file: &str) -> anyhow::Result<std::path::PathBuf> {
    let inventory = std::fs::read_to_string(photos_dir.join("INVENTORY.csv"))
        .with_context(|| format!("reading {}/INVENTORY.csv", photos_dir.display()))?;
    let listed = inventory
        .lines()
        .skip(1)
        .any(|line| line.split(',').next() == Some(file));
    if !listed {
        bail!("{file} is not in {}/INVENTORY.csv", photos_dir.display());
    }
    Ok(photos_dir.join(file))
}
