/**
 * The device's sync state as every screen sees it. While someone is logged in it is
 * polled every few seconds (the core answers from local state, so this is cheap) and
 * refreshed right after anything that changes the outbox.
 */
import { computed, readonly, ref } from 'vue'

import * as api from '@/api'
import { toAppError } from '@/errors'
import { forgetSession } from '@/session/session'
import type { ErrorInfo, SyncOutcome, SyncState } from '@/types'

export const POLL_INTERVAL_MS = 5_000

const state = ref<SyncState | null>(null)
const running = ref(false)
/** Why the last sync started here failed, and when; cleared by the next success. */
const failure = ref<{ error: ErrorInfo; atMs: number } | null>(null)
let timer: ReturnType<typeof setInterval> | undefined

export const syncState = readonly(state)

/** True while a sync runs, whether started here or by the core itself. */
export const syncing = computed(() => running.value || (state.value?.syncing ?? false))

/**
 * The problem to show: the core's own record first; otherwise the failure of a sync
 * started here, until the core reports a successful sync after it.
 */
export const lastSyncError = computed<ErrorInfo | null>(() => {
  if (state.value?.lastError) return state.value.lastError
  const last = failure.value
  if (!last) return null
  const syncedAt = state.value?.lastSyncAtMs ?? null
  return syncedAt !== null && syncedAt > last.atMs ? null : last.error
})

export type IndicatorState = 'idle' | 'syncing' | 'error'

export const indicatorState = computed<IndicatorState>(() => {
  if (syncing.value) return 'syncing'
  return lastSyncError.value ? 'error' : 'idle'
})

export function setSyncState(value: SyncState): void {
  state.value = value
}

export async function refreshSyncState(): Promise<void> {
  try {
    state.value = await api.syncState()
  } catch (reason) {
    if (toAppError(reason).code === 'not_logged_in') {
      forgetSession()
    }
    // Otherwise keep the last known state; the next poll tries again.
  }
}

export function startSyncPolling(): void {
  if (timer !== undefined) return
  void refreshSyncState()
  timer = setInterval(() => {
    // A hidden app (screen off, other app in front) has nobody to show the state to.
    if (document.visibilityState !== 'hidden') void refreshSyncState()
  }, POLL_INTERVAL_MS)
}

export function stopSyncPolling(): void {
  clearInterval(timer)
  timer = undefined
  state.value = null
  failure.value = null
}

/** Pushes the outbox and pulls news; rejects with an AppError (e.g. `relay_unreachable`). */
export async function syncNow(): Promise<SyncOutcome> {
  running.value = true
  try {
    const outcome = await api.syncNow()
    state.value = outcome.sync
    failure.value = null
    return outcome
  } catch (reason) {
    const error = toAppError(reason)
    failure.value = { error: { code: error.code, message: error.message }, atMs: Date.now() }
    await refreshSyncState()
    throw error
  } finally {
    running.value = false
  }
}
