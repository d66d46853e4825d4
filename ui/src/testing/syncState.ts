import type { SyncState } from '@/types'

/** A quiet sync state (nothing pending, never synced) with `patch` applied. */
export function syncStateWith(patch: Partial<SyncState> = {}): SyncState {
  return {
    pending: 0,
    rejected: 0,
    lastSyncAtMs: null,
    lastError: null,
    syncing: false,
    clockOffsetMs: null,
    clockSuspect: false,
    ...patch,
  }
}
