/**
 * The only module that talks to the Tauri side. Every command of the device core has
 * one typed wrapper here; each rejection comes out as an {@link AppError}, so screens
 * never see the bridge's raw shapes and tests can mock this single module.
 */
import { invoke, type InvokeArgs, type InvokeOptions } from '@tauri-apps/api/core'

import { toAppError } from './errors'
import type {
  HomeSummary,
  NewReport,
  PhotoInfo,
  ReportItem,
  Session,
  SyncOutcome,
  SyncState,
  TaskItem,
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
