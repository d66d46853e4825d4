//! Thin command wrappers over the device core. Each returns the core's
//! result; failures reach the web view as `{ code, message }`.

use std::sync::Arc;

use tauri::ipc::{InvokeBody, Request};
use tauri::State;

use crate::core::model::{
    HomeSummary, NewReportInput, PhotoInfo, ReportItem, Session, SyncOutcome, SyncState, TaskItem,
};
use crate::core::{CoreError, Device, ErrorInfo};

type Cmd<T> = Result<T, ErrorInfo>;

fn fail(e: CoreError) -> ErrorInfo {
    tracing::debug!(code = e.code(), "command failed: {e}");
    ErrorInfo::from(&e)
}

/// The relay address offered on the login screen.
#[tauri::command]
pub fn default_server() -> String {
    std::env::var("GRIDLINE_RELAY_URL").unwrap_or_else(|_| "http://127.0.0.1:8787".into())
}

#[tauri::command]
pub async fn login(
    device: State<'_, Arc<Device>>,
    server: String,
    account: String,
    password: String,
) -> Cmd<Session> {
    device
        .login(&server, &account, &password)
        .await
        .map_err(fail)
}

#[tauri::command]
pub fn current_session(device: State<'_, Arc<Device>>) -> Cmd<Option<Session>> {
    device.current_session().map_err(fail)
}

#[tauri::command]
pub fn logout(device: State<'_, Arc<Device>>, force: Option<bool>) -> Cmd<()> {
    device.logout(force.unwrap_or(false)).map_err(fail)
}

#[tauri::command]
pub fn home_summary(device: State<'_, Arc<Device>>) -> Cmd<HomeSummary> {
    device.home_summary().map_err(fail)
}

#[tauri::command]
pub fn sync_state(device: State<'_, Arc<Device>>) -> Cmd<SyncState> {
    device.sync_state().map_err(fail)
}

#[tauri::command]
pub async fn sync_now(device: State<'_, Arc<Device>>) -> Cmd<SyncOutcome> {
    device.sync_now().await.map_err(fail)
}

/// Takes the picked file as the raw request body, never as a JSON array.
#[tauri::command]
pub async fn import_photo(device: State<'_, Arc<Device>>, request: Request<'_>) -> Cmd<PhotoInfo> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(fail(CoreError::Photo(
            crate::core::photo::PhotoError::Empty,
        )));
    };
    let device = Arc::clone(&device);
    let bytes = bytes.clone();
    tauri::async_runtime::spawn_blocking(move || device.import_photo(&bytes))
        .await
        .map_err(|e| fail(CoreError::Internal(e.to_string())))?
        .map_err(fail)
}

#[tauri::command]
pub fn create_report(device: State<'_, Arc<Device>>, report: NewReportInput) -> Cmd<ReportItem> {
    device.create_report(report).map_err(fail)
}

#[tauri::command]
pub fn position_in_grid(device: State<'_, Arc<Device>>, lat: f64, lon: f64) -> Cmd<Option<bool>> {
    device.position_in_grid(lat, lon).map_err(fail)
}

#[tauri::command]
pub fn my_reports(device: State<'_, Arc<Device>>) -> Cmd<Vec<ReportItem>> {
    device.my_reports().map_err(fail)
}

#[tauri::command]
pub fn grid_tasks(device: State<'_, Arc<Device>>) -> Cmd<Vec<TaskItem>> {
    device.grid_tasks().map_err(fail)
}
