//! Thin command wrappers over the device core. Each returns the core's
//! result; failures reach the web view as `{ code, message }`.

use std::sync::Arc;

use tauri::ipc::{InvokeBody, Request};
use tauri::State;

use crate::core::model::{
    HomeSummary, NewReportInput, PhotoInfo, Position, ReportItem, Session, SyncOutcome, SyncState,
    TaskItem,
};
use crate::core::notices::{NearbyIssue, Notice};
use crate::core::patrol::{DaySummary, PatrolItem, PointsSummary, VisitInput};
use crate::core::registry::ConflictItem;
use crate::core::roster::{self, EnterpriseItem, FieldCheck, HouseholdItem, Page, ResidentItem};
use crate::core::search::Hit;
use crate::core::settings::{self, AppInfo, MapData, Settings, TileCrs};
use crate::core::steps::{StepInput, TimelineItem};
use crate::core::{CoreError, Device, ErrorInfo};
use gridline_schema::wire::Entity;
use gridline_schema::{CareTag, Domain};
use serde_json::{Map, Value};
use uuid::Uuid;

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

/// The web view saw the network come back: sync soon rather than at the
/// end of the current wait.
#[tauri::command]
pub fn network_online(wake: State<'_, Arc<tokio::sync::Notify>>) {
    wake.notify_one();
}

#[tauri::command]
pub fn search_registry(
    device: State<'_, Arc<Device>>,
    query: String,
    limit: Option<usize>,
) -> Cmd<Vec<Hit>> {
    device
        .search_registry(&query, limit.unwrap_or(50))
        .map_err(fail)
}

#[tauri::command]
pub fn create_row(
    device: State<'_, Arc<Device>>,
    entity: Entity,
    fields: Map<String, Value>,
) -> Cmd<Uuid> {
    device.create_row(entity, fields).map_err(fail)
}

#[tauri::command]
pub fn edit_row(
    device: State<'_, Arc<Device>>,
    entity: Entity,
    id: Uuid,
    fields: Map<String, Value>,
) -> Cmd<()> {
    device
        .edit_row(entity, id, fields, Vec::new())
        .map_err(fail)
}

#[tauri::command]
pub fn delete_row(device: State<'_, Arc<Device>>, entity: Entity, id: Uuid) -> Cmd<()> {
    device.delete_row(entity, id).map_err(fail)
}

#[tauri::command]
pub fn move_out(device: State<'_, Arc<Device>>, id: Uuid) -> Cmd<()> {
    device.move_out(id).map_err(fail)
}

#[tauri::command]
pub fn open_conflicts(device: State<'_, Arc<Device>>) -> Cmd<Vec<ConflictItem>> {
    device.open_conflicts().map_err(fail)
}

#[tauri::command]
pub fn resolve_conflict(device: State<'_, Arc<Device>>, id: Uuid, keep_other: bool) -> Cmd<()> {
    device.resolve_conflict(id, keep_other).map_err(fail)
}

#[tauri::command]
pub fn take_step(device: State<'_, Arc<Device>>, step: StepInput) -> Cmd<TimelineItem> {
    device.take_step(step).map_err(fail)
}

#[tauri::command]
pub fn timeline(device: State<'_, Arc<Device>>, issue_id: String) -> Cmd<Vec<TimelineItem>> {
    device.timeline(&issue_id).map_err(fail)
}

#[tauri::command]
pub fn households(
    device: State<'_, Arc<Device>>,
    offset: u32,
    limit: u32,
) -> Cmd<Page<HouseholdItem>> {
    device.households(offset, limit).map_err(fail)
}

#[tauri::command]
pub fn residents(
    device: State<'_, Arc<Device>>,
    offset: u32,
    limit: u32,
    care_tag: Option<CareTag>,
) -> Cmd<Page<ResidentItem>> {
    device.residents(offset, limit, care_tag).map_err(fail)
}

#[tauri::command]
pub fn household_residents(
    device: State<'_, Arc<Device>>,
    household_id: String,
) -> Cmd<Vec<ResidentItem>> {
    device.household_residents(&household_id).map_err(fail)
}

#[tauri::command]
pub fn resident(device: State<'_, Arc<Device>>, id: String) -> Cmd<ResidentItem> {
    device.resident(&id).map_err(fail)
}

#[tauri::command]
pub fn enterprises(
    device: State<'_, Arc<Device>>,
    offset: u32,
    limit: u32,
) -> Cmd<Page<EnterpriseItem>> {
    device.enterprises(offset, limit).map_err(fail)
}

/// The full number; the core records that it was shown.
#[tauri::command]
pub fn reveal(
    device: State<'_, Arc<Device>>,
    resident_id: String,
    field: String,
) -> Cmd<Option<String>> {
    device.reveal(&resident_id, &field).map_err(fail)
}

#[tauri::command]
pub fn check_field(entity: Entity, field: String, value: Value) -> FieldCheck {
    roster::check_field(entity, &field, &value)
}

#[tauri::command]
pub fn start_patrol(device: State<'_, Arc<Device>>) -> Cmd<PatrolItem> {
    device.start_patrol().map_err(fail)
}

#[tauri::command]
pub fn current_patrol(device: State<'_, Arc<Device>>) -> Cmd<Option<PatrolItem>> {
    device.current_patrol().map_err(fail)
}

#[tauri::command]
pub fn track_point(device: State<'_, Arc<Device>>, position: Position) -> Cmd<bool> {
    device.track_point(position).map_err(fail)
}

#[tauri::command]
pub fn stop_patrol(device: State<'_, Arc<Device>>) -> Cmd<Option<PatrolItem>> {
    device.stop_patrol().map_err(fail)
}

#[tauri::command]
pub fn patrol_track(device: State<'_, Arc<Device>>, id: String) -> Cmd<Vec<[f64; 2]>> {
    device.patrol_track(&id).map_err(fail)
}

#[tauri::command]
pub fn record_visit(device: State<'_, Arc<Device>>, visit: VisitInput) -> Cmd<String> {
    device.record_visit(visit).map_err(fail)
}

#[tauri::command]
pub fn day_summary(device: State<'_, Arc<Device>>, at_ms: i64) -> Cmd<DaySummary> {
    device.day_summary(at_ms).map_err(fail)
}

#[tauri::command]
pub fn points(device: State<'_, Arc<Device>>) -> Cmd<PointsSummary> {
    device.points().map_err(fail)
}

#[tauri::command]
pub fn notices(device: State<'_, Arc<Device>>) -> Cmd<Vec<Notice>> {
    device.notices().map_err(fail)
}

#[tauri::command]
pub fn mark_tasks_seen(device: State<'_, Arc<Device>>) -> Cmd<()> {
    device.mark_tasks_seen().map_err(fail)
}

#[tauri::command]
pub fn nearby_open_issues(
    device: State<'_, Arc<Device>>,
    domain: Domain,
    lat: f64,
    lon: f64,
) -> Cmd<Vec<NearbyIssue>> {
    device.nearby_open_issues(domain, lat, lon).map_err(fail)
}

#[tauri::command]
pub fn settings(device: State<'_, Arc<Device>>) -> Cmd<Settings> {
    device.settings().map_err(fail)
}

#[tauri::command]
pub fn save_settings(device: State<'_, Arc<Device>>, settings: Settings) -> Cmd<Settings> {
    device.save_settings(settings).map_err(fail)
}

#[tauri::command]
pub fn set_server(device: State<'_, Arc<Device>>, server: String) -> Cmd<()> {
    device.set_server(&server).map_err(fail)
}

#[tauri::command]
pub async fn change_password(
    device: State<'_, Arc<Device>>,
    current: String,
    new: String,
) -> Cmd<()> {
    device.change_password(&current, &new).await.map_err(fail)
}

#[tauri::command]
pub fn app_info(device: State<'_, Arc<Device>>) -> Cmd<AppInfo> {
    device.app_info().map_err(fail)
}

#[tauri::command]
pub fn map_data(device: State<'_, Arc<Device>>) -> Cmd<MapData> {
    device.map_data().map_err(fail)
}

/// Stored WGS-84 points as the configured tiles draw them, `[lat, lon]`.
#[tauri::command]
pub fn to_display(points: Vec<[f64; 2]>, crs: TileCrs) -> Vec<[f64; 2]> {
    points
        .into_iter()
        .map(|[lat, lon]| settings::to_display(lat, lon, crs))
        .collect()
}

/// A tap on the tiles back to WGS-84, `[lat, lon]`.
#[tauri::command]
pub fn from_display(lat: f64, lon: f64, crs: TileCrs) -> [f64; 2] {
    settings::from_display(lat, lon, crs)
}
