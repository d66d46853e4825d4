//! The Tauri shell: builds the app, manages the [`Device`], serves stored
//! photos under the `gridline-photo` scheme and syncs in the background.

mod commands;

use std::sync::Arc;
use std::time::Duration;

use tauri::http::{header, Response, StatusCode};
use tauri::Manager;

use crate::core::schedule::{Backoff, Next};
use crate::core::{CoreError, Device};
use tokio::sync::Notify;

/// Background sync interval unless `GRIDLINE_SYNC_INTERVAL_S` says otherwise.
const DEFAULT_SYNC_INTERVAL: Duration = Duration::from_secs(120);

/// Starts the app. The mobile builds enter here too.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    init_logging();
    tauri::Builder::default()
        .setup(|app| {
            let data_dir = match std::env::var_os("GRIDLINE_DATA_DIR") {
                Some(dir) => dir.into(),
                None => app.path().app_data_dir()?,
            };
            let device = Arc::new(Device::open(&data_dir)?);
            tracing::info!(data_dir = %data_dir.display(), "device opened");
            let wake = Arc::new(Notify::new());
            spawn_background_sync(device.clone(), wake.clone());
            app.manage(device);
            app.manage(wake);
            Ok(())
        })
        .register_uri_scheme_protocol("gridline-photo", |ctx, request| {
            let device = ctx.app_handle().state::<Arc<Device>>();
            let sha = request.uri().path().trim_start_matches('/');
            match device.read_photo(sha) {
                Ok(bytes) => Response::builder()
                    .header(header::CONTENT_TYPE, "image/jpeg")
                    .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
                    .body(bytes),
                Err(_) => Response::builder()
                    .status(StatusCode::NOT_FOUND)
                    .body(Vec::new()),
            }
            .unwrap_or_else(|_| Response::new(Vec::new()))
        })
        .invoke_handler(tauri::generate_handler![
            commands::default_server,
            commands::login,
            commands::current_session,
            commands::logout,
            commands::home_summary,
            commands::sync_state,
            commands::sync_now,
            commands::import_photo,
            commands::create_report,
            commands::position_in_grid,
            commands::my_reports,
            commands::grid_tasks,
            commands::network_online,
            commands::search_registry,
            commands::create_row,
            commands::edit_row,
            commands::delete_row,
            commands::move_out,
            commands::open_conflicts,
            commands::resolve_conflict,
            commands::take_step,
            commands::timeline,
            commands::households,
            commands::residents,
            commands::household_residents,
            commands::resident,
            commands::enterprises,
            commands::reveal,
            commands::check_field,
            commands::start_patrol,
            commands::current_patrol,
            commands::track_point,
            commands::stop_patrol,
            commands::patrol_track,
            commands::record_visit,
            commands::day_summary,
            commands::points,
            commands::notices,
            commands::mark_tasks_seen,
            commands::nearby_open_issues,
            commands::settings,
            commands::save_settings,
            commands::set_server,
            commands::change_password,
            commands::app_info,
            commands::map_data,
            commands::to_display,
            commands::from_display,
        ])
        .run(tauri::generate_context!())
        .expect("the Tauri application failed to start");
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Syncs now and then while a session exists, so work leaves the phone
/// without the leader pressing anything once the network is back: on the
/// regular interval while syncs succeed, sooner with backoff and jitter
/// while they fail, and at once when the web view reports the network back.
fn spawn_background_sync(device: Arc<Device>, wake: Arc<Notify>) {
    let interval = std::env::var("GRIDLINE_SYNC_INTERVAL_S")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_SYNC_INTERVAL);
    if interval.is_zero() {
        return;
    }
    tauri::async_runtime::spawn(async move {
        let mut backoff = Backoff::default();
        let mut next = Next::After(interval);
        loop {
            match next {
                Next::After(wait) => {
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        () = wake.notified() => {}
                    }
                }
                Next::Idle => wake.notified().await,
            }
            if !matches!(device.current_session(), Ok(Some(_))) {
                next = Next::Idle;
                continue;
            }
            let result = device.sync_now().await;
            if let Err(e) = &result {
                tracing::debug!(code = e.code(), "background sync did not finish");
            }
            next = match &result {
                Err(CoreError::SyncInProgress) => Next::After(interval),
                other => backoff.after(other.as_ref().map(|_| ()), interval, jitter_unit()),
            };
        }
    });
}

/// A draw from `[0, 1)` for spreading retries; the clock's nanoseconds are
/// random enough to keep phones apart.
fn jitter_unit() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000_000) / 1_000_000.0
}
