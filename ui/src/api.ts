/**
 * The only module that talks to the Tauri side. Every command of the device core has
 * one typed wrapper here; each rejection comes out as an {@link AppError}, so screens
 * never see the bridge's raw shapes and tests can mock this single module.
 */
import { invoke, type InvokeArgs, type InvokeOptions } from '@tauri-apps/api/core'

import { toAppError } from './errors'
import type {
  AppInfo,
  CareTag,
  ConflictItem,
  DaySummary,
  EnterpriseItem,
  Entity,
  FieldCheck,
  Hit,
  HomeSummary,
  HouseholdItem,
  LatLonPair,
  MapData,
  NearbyIssue,
  NewReport,
  Notice,
  Page,
  PatrolItem,
  PhotoInfo,
  PointsSummary,
  Position,
  ReportItem,
  ResidentItem,
  RevealField,
  RowFields,
  Session,
  Settings,
  StepInput,
  SyncOutcome,
  SyncState,
  TaskItem,
  TileCrs,
  TimelineItem,
  VisitInput,
} from './types'

async function call<T>(command: string, args?: InvokeArgs, options?: InvokeOptions): Promise<T> {
  try {
    return await invoke<T>(command, args, options)
  } catch (reason) {
    throw toAppError(reason)
  }
}

/** Signs in and downloads the grid before resolving, so it can take a while. */
export function login(server: string, account: string, password: string): Promise<Session> {
  return call('login', { server, account, password })
}

export function currentSession(): Promise<Session | null> {
  return call('current_session')
}

/** Refused with `pending_ops` while work is unsent, unless `force`. */
export function logout(force = false): Promise<void> {
  return call('logout', { force })
}

export function homeSummary(): Promise<HomeSummary> {
  return call('home_summary')
}

/** Cheap: reads local state only, meant to be polled. */
export function syncState(): Promise<SyncState> {
  return call('sync_state')
}

/** Rejects with `relay_unreachable` when offline; the outbox is kept either way. */
export function syncNow(): Promise<SyncOutcome> {
  return call('sync_now')
}

/**
 * Hands a photo's bytes to the core as the raw request body. A Uint8Array crosses the
 * bridge as binary; turning it into a JSON array of numbers would multiply a 5 MB photo
 * into tens of megabytes of text on a phone that has little memory to spare.
 */
export function importPhoto(bytes: Uint8Array, fileName: string): Promise<PhotoInfo> {
  return call('import_photo', bytes, {
    headers: { 'x-file-name': encodeURIComponent(fileName) },
  })
}

/** Writes the report locally only; it reaches the relay with the next sync. */
export function createReport(report: NewReport): Promise<ReportItem> {
  return call('create_report', { report })
}

/** Whether the point lies in the leader's grid; null before the grid is downloaded. */
export function positionInGrid(lat: number, lon: number): Promise<boolean | null> {
  return call('position_in_grid', { lat, lon })
}

/** Newest first. */
export function myReports(): Promise<ReportItem[]> {
  return call('my_reports')
}

/** Issues dispatched to this grid (not filed by this leader), open first, by deadline. */
export function gridTasks(): Promise<TaskItem[]> {
  return call('grid_tasks')
}

export function defaultServer(): Promise<string> {
  return call('default_server')
}

/** Tells the core the network is back, so the background sync runs now. */
export function networkOnline(): Promise<void> {
  return call('network_online')
}

// ----- Registry ---------------------------------------------------------------

/** A page of households, by address. `limit` is at most 200. */
export function households(offset: number, limit: number): Promise<Page<HouseholdItem>> {
  return call('households', { offset, limit })
}

/** A page of residents, present ones first, by name; only those with `careTag` if given. */
export function residents(
  offset: number,
  limit: number,
  careTag: CareTag | null = null,
): Promise<Page<ResidentItem>> {
  return call('residents', { offset, limit, careTag })
}

/** The residents of one household, the head first. */
export function householdResidents(householdId: string): Promise<ResidentItem[]> {
  return call('household_residents', { householdId })
}

/** One resident, numbers masked. */
export function resident(id: string): Promise<ResidentItem> {
  return call('resident', { id })
}

/** A page of enterprises, by name. */
export function enterprises(offset: number, limit: number): Promise<Page<EnterpriseItem>> {
  return call('enterprises', { offset, limit })
}

/** The full number of one resident; the core records that it was shown (not the number). */
export function reveal(residentId: string, field: RevealField): Promise<string | null> {
  return call('reveal', { residentId, field })
}

/** Checks one field as typed; never rejects for a bad value, it says so in the answer. */
export function checkField(entity: Entity, field: string, value: unknown): Promise<FieldCheck> {
  return call('check_field', { entity, field, value })
}

/** Adds a row locally (it reaches the relay with the next sync); resolves with its id. */
export function createRow(entity: Entity, fields: RowFields): Promise<string> {
  return call('create_row', { entity, fields })
}

/** Changes only the fields given. */
export function editRow(entity: Entity, id: string, fields: RowFields): Promise<void> {
  return call('edit_row', { entity, id, fields })
}

/** A household that still has residents is refused with `household_not_empty`. */
export function deleteRow(entity: Entity, id: string): Promise<void> {
  return call('delete_row', { entity, id })
}

/** The resident moved out of the grid; the row is kept as history. */
export function moveOut(id: string): Promise<void> {
  return call('move_out', { id })
}

/** Oldest first. */
export function openConflicts(): Promise<ConflictItem[]> {
  return call('open_conflicts')
}

/** `keepOther` writes the value that lost; otherwise the current value stands. */
export function resolveConflict(id: string, keepOther: boolean): Promise<void> {
  return call('resolve_conflict', { id, keepOther })
}

/** Names (also pinyin and initials), number endings, addresses; best first, numbers masked. */
export function searchRegistry(query: string, limit?: number): Promise<Hit[]> {
  return call('search_registry', { query, limit: limit ?? null })
}

// ----- Task steps ---------------------------------------------------------------

/** Takes a step locally and shows it at once (pending); the relay has the last word. */
export function takeStep(step: StepInput): Promise<TimelineItem> {
  return call('take_step', { step })
}

/** The steps of an issue, oldest first. */
export function timeline(issueId: string): Promise<TimelineItem[]> {
  return call('timeline', { issueId })
}

// ----- Reports: duplicates ------------------------------------------------------

/** Open issues of `domain` within 50 m reported in the last 7 days, nearest first. */
export function nearbyOpenIssues(
  domain: NewReport['domain'],
  lat: number,
  lon: number,
): Promise<NearbyIssue[]> {
  return call('nearby_open_issues', { domain, lat, lon })
}

// ----- Patrol (走访排查) and points ------------------------------------------------

/** Starts a patrol, or answers the one already running. */
export function startPatrol(): Promise<PatrolItem> {
  return call('start_patrol')
}

export function currentPatrol(): Promise<PatrolItem | null> {
  return call('current_patrol')
}

/** False when the core left the fix out of the track (0,0, inaccurate, a jump, no patrol). */
export function trackPoint(position: Position): Promise<boolean> {
  return call('track_point', { position })
}

/** Ends the running patrol and answers it; null when none was running. */
export function stopPatrol(): Promise<PatrolItem | null> {
  return call('stop_patrol')
}

/** A patrol's kept fixes, in order. */
export function patrolTrack(id: string): Promise<LatLonPair[]> {
  return call('patrol_track', { id })
}

/** Records a visit locally (on the running patrol, if any); resolves with its id. */
export function recordVisit(visit: VisitInput): Promise<string> {
  return call('record_visit', { visit })
}

/** The day (China time) containing `atMs`. */
export function daySummary(atMs: number): Promise<DaySummary> {
  return call('day_summary', { atMs })
}

/** Credited by the relay; arrives with a sync. */
export function points(): Promise<PointsSummary> {
  return call('points')
}

// ----- Notices ------------------------------------------------------------------

/** Most urgent first. */
export function notices(): Promise<Notice[]> {
  return call('notices')
}

/** The leader has seen the tasks screen as it is now. */
export function markTasksSeen(): Promise<void> {
  return call('mark_tasks_seen')
}

// ----- Settings, account, map ---------------------------------------------------

export function settings(): Promise<Settings> {
  return call('settings')
}

/** Refused with `invalid_server` for a bad tile URL, `position_invalid` for a bad radius. */
export function saveSettings(value: Settings): Promise<Settings> {
  return call('save_settings', { settings: value })
}

/** Points the session at another relay address; the token and queued work are kept. */
export function setServer(server: string): Promise<void> {
  return call('set_server', { server })
}

/** Online only; `wrong_password`, `weak_password` or `relay_unreachable` on failure. */
export function changePassword(current: string, next: string): Promise<void> {
  return call('change_password', { current, new: next })
}

export function appInfo(): Promise<AppInfo> {
  return call('app_info')
}

/** The grid's boundary, open issues and enterprises, all WGS-84. */
export function mapData(): Promise<MapData> {
  return call('map_data')
}

/** WGS-84 points as tiles in `crs` draw them, converted in one call. */
export function toDisplay(points: LatLonPair[], crs: TileCrs): Promise<LatLonPair[]> {
  return call('to_display', { points, crs })
}

/** A point tapped on tiles in `crs` back to WGS-84. */
export function fromDisplay(lat: number, lon: number, crs: TileCrs): Promise<LatLonPair> {
  return call('from_display', { lat, lon, crs })
}
