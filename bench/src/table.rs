//! The figures of a run: medians, the human table and the `name=value`
//! lines that close the output.

use crate::gridline::SyncRun;
use crate::ingest::{Ingest, Load};
use crate::photo::PhotoRun;
use crate::proxy::Traffic;

/// The middle value (mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// The nearest-rank percentile `p` (0–100).
pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Everything measured in one run of the benchmark.
pub struct Figures {
    pub rows: usize,
    pub gridline_fresh_ms: Vec<f64>,
    pub pouch_fresh_ms: Vec<f64>,
    pub floor_ms: Vec<f64>,
    pub gridline_traffic: Traffic,
    pub pouch_traffic: Traffic,
    pub gzip_bytes: u64,
    pub gridline_rss_kb: Vec<f64>,
    pub pouch_rss_kb: Vec<f64>,
    pub catch_up: Vec<SyncRun>,
    pub push_count: usize,
    pub gridline_push: Vec<SyncRun>,
    pub pouch_push_ms: Vec<f64>,
    pub load: Load,
    pub ingest: Ingest,
    pub photo: Vec<PhotoRun>,
}

/// The headline numbers, in the order they are printed.
pub struct Headline {
    pub fresh_download_speedup_vs_pouchdb: f64,
    pub fresh_download_vs_floor: f64,
    pub fresh_download_bytes_vs_gzip: f64,
    pub catch_up_100_ms: f64,
    pub push_1000_speedup_vs_pouchdb: f64,
    pub relay_ops_per_s: f64,
    pub relay_p99_ms: f64,
    pub lost_ops: usize,
    pub device_rss_vs_pouchdb: f64,
    pub photo_vs_vips: f64,
    pub photo_kb: f64,
}

impl Figures {
    /// Nothing measured yet.
    pub fn new(rows: usize, push_count: usize, load: Load) -> Figures {
        Figures {
            rows,
            gridline_fresh_ms: Vec::new(),
            pouch_fresh_ms: Vec::new(),
            floor_ms: Vec::new(),
            gridline_traffic: Traffic::default(),
            pouch_traffic: Traffic::default(),
            gzip_bytes: 0,
            gridline_rss_kb: Vec::new(),
            pouch_rss_kb: Vec::new(),
            catch_up: Vec::new(),
            push_count,
            gridline_push: Vec::new(),
            pouch_push_ms: Vec::new(),
            load,
            ingest: Ingest::default(),
            photo: Vec::new(),
        }
    }

    pub fn headline(&self) -> Headline {
        let ms = |runs: &[SyncRun]| runs.iter().map(|r| r.ms).collect::<Vec<_>>();
        let gridline_fresh = median(&self.gridline_fresh_ms);
        let photo_gl = median(&self.photo.iter().map(|p| p.gridline_ms).collect::<Vec<_>>());
        let photo_vips = median(&self.photo.iter().map(|p| p.vips_ms).collect::<Vec<_>>());
        Headline {
            fresh_download_speedup_vs_pouchdb: median(&self.pouch_fresh_ms) / gridline_fresh,
            fresh_download_vs_floor: gridline_fresh / median(&self.floor_ms),
            fresh_download_bytes_vs_gzip: self.gridline_traffic.bytes() as f64
                / self.gzip_bytes as f64,
            catch_up_100_ms: median(&ms(&self.catch_up)),
            push_1000_speedup_vs_pouchdb: median(&self.pouch_push_ms)
                / median(&ms(&self.gridline_push)),
            relay_ops_per_s: self.ingest.ops_per_s(),
            relay_p99_ms: percentile(&self.ingest.latencies_ms, 99.0),
            lost_ops: self.ingest.lost(),
            device_rss_vs_pouchdb: median(&self.gridline_rss_kb) / median(&self.pouch_rss_kb),
            photo_vs_vips: photo_gl / photo_vips,
            photo_kb: self
                .photo
                .first()
                .map_or(f64::NAN, |p| p.gridline_bytes as f64 / 1024.0),
        }
    }

    /// The table for people: one line per figure, with its target.
    pub fn table(&self) -> String {
        let h = self.headline();
        let med = |v: &[f64]| median(v);
        let mb = |bytes: u64| bytes as f64 / 1_048_576.0;
        let sync_ms = |runs: &[SyncRun]| median(&runs.iter().map(|r| r.ms).collect::<Vec<_>>());
        let (gl, pouch) = (&self.gridline_traffic, &self.pouch_traffic);
        let photo_vips_kb = self
            .photo
            .first()
            .map_or(f64::NAN, |p| p.vips_bytes as f64 / 1024.0);
        let rows: Vec<[String; 6]> = vec![
            [
                format!("fresh download ({} records)", self.rows),
                format!("{:.0} ms", med(&self.gridline_fresh_ms)),
                format!("PouchDB {:.0} ms", med(&self.pouch_fresh_ms)),
                format!("{:.2}x faster", h.fresh_download_speedup_vs_pouchdb),
                ">=10x faster".into(),
                verdict(h.fresh_download_speedup_vs_pouchdb >= 10.0),
            ],
            [
                "fresh download vs floor".into(),
                format!("{:.0} ms", med(&self.gridline_fresh_ms)),
                format!("floor {:.0} ms", med(&self.floor_ms)),
                format!("{:.2}x floor", h.fresh_download_vs_floor),
                "<=2x floor".into(),
                verdict(h.fresh_download_vs_floor <= 2.0),
            ],
            [
                "fresh download bytes".into(),
                format!("{:.2} MB in {} req", mb(gl.bytes()), gl.requests),
                format!(
                    "gzip {:.2} MB; PouchDB {:.2} MB in {} req",
                    mb(self.gzip_bytes),
                    mb(pouch.bytes()),
                    pouch.requests
                ),
                format!("{:.2}x gzip", h.fresh_download_bytes_vs_gzip),
                "<=1.2x gzip".into(),
                verdict(h.fresh_download_bytes_vs_gzip <= 1.2),
            ],
            [
                "catch-up, 100 changes".into(),
                format!("{:.1} ms", h.catch_up_100_ms),
                "-".into(),
                "-".into(),
                "<=30 ms".into(),
                verdict(h.catch_up_100_ms <= 30.0),
            ],
            [
                format!("push {} offline reports", self.push_count),
                format!("{:.0} ms", sync_ms(&self.gridline_push)),
                format!("PouchDB {:.0} ms", med(&self.pouch_push_ms)),
                format!("{:.2}x faster", h.push_1000_speedup_vs_pouchdb),
                ">=5x faster".into(),
                verdict(h.push_1000_speedup_vs_pouchdb >= 5.0),
            ],
            [
                format!(
                    "relay ingest, {} devices x {} pushes x {} ops",
                    self.load.devices, self.load.batches, self.load.ops_per_batch
                ),
                format!("{:.0} ops/s", h.relay_ops_per_s),
                "-".into(),
                "-".into(),
                ">=20000 ops/s".into(),
                verdict(h.relay_ops_per_s >= 20_000.0),
            ],
            [
                "relay push latency p99".into(),
                format!("{:.0} ms", h.relay_p99_ms),
                format!("median {:.0} ms", med(&self.ingest.latencies_ms)),
                "-".into(),
                "<200 ms".into(),
                verdict(h.relay_p99_ms < 200.0),
            ],
            [
                "relay lost ops".into(),
                format!("{}", h.lost_ops),
                format!("of {} sent", self.ingest.sent),
                "-".into(),
                "0".into(),
                verdict(h.lost_ops == 0),
            ],
            [
                "peak RSS, fresh download".into(),
                format!("{:.1} MB", med(&self.gridline_rss_kb) / 1024.0),
                format!("PouchDB {:.1} MB", med(&self.pouch_rss_kb) / 1024.0),
                format!("{:.2}x", h.device_rss_vs_pouchdb),
                "<=0.5x".into(),
                verdict(h.device_rss_vs_pouchdb <= 0.5),
            ],
            [
                "photo upload copy, time".into(),
                format!(
                    "{:.0} ms",
                    med(&self.photo.iter().map(|p| p.gridline_ms).collect::<Vec<_>>())
                ),
                format!(
                    "vips {:.0} ms",
                    med(&self.photo.iter().map(|p| p.vips_ms).collect::<Vec<_>>())
                ),
                format!("{:.2}x vips", h.photo_vs_vips),
                "<=1.5x vips".into(),
                verdict(h.photo_vs_vips <= 1.5),
            ],
            [
                "photo upload copy, size".into(),
                format!("{:.0} KB", h.photo_kb),
                format!("vips {photo_vips_kb:.0} KB"),
                "-".into(),
                "<=400 KB".into(),
                verdict(h.photo_kb <= 400.0),
            ],
        ];
        render(
            &[
                "work",
                "Gridline",
                "PouchDB / floor / vips",
                "ratio",
                "target",
                "met?",
            ],
            &rows,
        )
    }
}

impl Headline {
    /// One `name=value` line per figure.
    pub fn lines(&self) -> String {
        [
            format!(
                "fresh_download_speedup_vs_pouchdb={:.2}",
                self.fresh_download_speedup_vs_pouchdb
            ),
            format!(
                "fresh_download_vs_floor={:.2}",
                self.fresh_download_vs_floor
            ),
            format!(
                "fresh_download_bytes_vs_gzip={:.2}",
                self.fresh_download_bytes_vs_gzip
            ),
            format!("catch_up_100_ms={:.1}", self.catch_up_100_ms),
            format!(
                "push_1000_speedup_vs_pouchdb={:.2}",
                self.push_1000_speedup_vs_pouchdb
            ),
            format!("relay_ops_per_s={:.0}", self.relay_ops_per_s),
            format!("relay_p99_ms={:.0}", self.relay_p99_ms),
            format!("lost_ops={}", self.lost_ops),
            format!("device_rss_vs_pouchdb={:.2}", self.device_rss_vs_pouchdb),
            format!("photo_vs_vips={:.2}", self.photo_vs_vips),
            format!("photo_kb={:.0}", self.photo_kb),
        ]
        .join("\n")
    }
}

fn verdict(met: bool) -> String {
    let word = if met { "met" } else { "MISSED" };
    word.to_owned()
}

/// Columns padded to their widest cell, separated by ` | `.
fn render<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_owned()
    };
    let mut out = vec![line(header.to_vec())];
    out.push(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-"),
    );
    for row in rows {
        out.push(line(row.iter().map(String::as_str).collect()));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[5.0, 1.0, 3.0]), 3.0);
    }

    #[test]
    fn the_99th_percentile_of_a_hundred_values_is_the_99th_smallest() {
        let values: Vec<f64> = (1..=100).rev().map(f64::from).collect();

        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&values, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
    }
}
