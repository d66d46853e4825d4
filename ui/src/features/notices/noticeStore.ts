/**
 * What the leader should know without looking: new tasks, deadlines within a day,
 * returned tasks. Read again with every sync-state poll (a local query, so cheap):
 * a pull brings tasks, and a deadline comes closer with time alone.
 */
import { computed, readonly, ref, watch } from 'vue'

import * as api from '@/api'
import { toAppError, type AppError } from '@/errors'
import { session } from '@/session/session'
import { syncState } from '@/sync/syncStore'
import type { Notice } from '@/types'

const list = ref<Notice[]>([])
const loaded = ref(false)
const failure = ref<AppError | null>(null)
let following = false

export const notices = readonly(list)
export const noticesLoaded = readonly(loaded)
/** Why the last read failed; what was shown before stays. */
export const noticesError = readonly(failure)
export const unreadNotices = computed(() => list.value.filter((notice) => notice.unread).length)

export async function refreshNotices(): Promise<void> {
  if (!session.value) {
    list.value = []
    loaded.value = false
    return
  }
  try {
    list.value = await api.notices()
    loaded.value = true
    failure.value = null
  } catch (reason) {
    // Keep what was shown; the next poll asks again.
    failure.value = toAppError(reason)
  }
}

/** The tasks screen is on show: what it lists now has been seen. */
export async function markTasksSeen(): Promise<void> {
  try {
    await api.markTasksSeen()
  } catch {
    // The badge stays until the next visit to the tasks screen.
  }
  await refreshNotices()
}

/** Starts following the sync state; safe to call from every screen that shows the badge. */
export function followNotices(): void {
  if (following) return
  following = true
  watch(
    () => [session.value?.account, syncState.value],
    () => void refreshNotices(),
    { immediate: true },
  )
}
