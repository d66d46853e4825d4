import { onMounted, ref, watch, type Ref } from 'vue'

import { toAppError, type AppError } from '@/errors'
import { syncState } from '@/sync/syncStore'

/**
 * A list fetched from the core, with the states every list screen shows: first load,
 * failure (keeping what was shown before), and pull-to-refresh. It reloads by itself
 * when the outbox or the last sync time moves, since a sync (whether started here or
 * by the core) changes report states and brings in tasks.
 */
export function useRemoteList<T>(fetch: () => Promise<T[]>) {
  const items = ref([]) as Ref<T[]>
  const loaded = ref(false)
  const error = ref<AppError | null>(null)
  const refreshing = ref(false)

  async function load(): Promise<void> {
    try {
      items.value = await fetch()
      loaded.value = true
      error.value = null
    } catch (reason) {
      error.value = toAppError(reason)
    }
  }

  async function pullRefresh(): Promise<void> {
    await load()
    refreshing.value = false
  }

  onMounted(load)
  watch(
    () => [syncState.value?.lastSyncAtMs, syncState.value?.pending, syncState.value?.rejected],
    (next, previous) => {
      if (loaded.value && next.some((value, i) => value !== previous[i])) void load()
    },
  )

  return { items, loaded, error, refreshing, load, pullRefresh }
}
