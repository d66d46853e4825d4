/**
 * How many registry conflicts wait for the leader, for the badge on the registry tab
 * and the banner on the registry screen. Conflicts arrive with a pull and leave when
 * settled, so the count is read again after every sync and every settlement.
 */
import { readonly, ref, watch } from 'vue'

import * as api from '@/api'
import { session } from '@/session/session'
import { syncState } from '@/sync/syncStore'

const count = ref(0)
let watching = false

export const conflictCount = readonly(count)

export async function refreshConflictCount(): Promise<void> {
  if (!session.value) {
    count.value = 0
    return
  }
  try {
    count.value = (await api.openConflicts()).length
  } catch {
    // Keep the last count; the next sync reads it again.
  }
}

/** Starts following syncs; safe to call from every screen that shows the count. */
export function followConflictCount(): void {
  if (watching) return
  watching = true
  watch(
    () => [session.value?.account, syncState.value?.lastSyncAtMs],
    () => void refreshConflictCount(),
    { immediate: true },
  )
}
