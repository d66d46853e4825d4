/**
 * What the registry screens share: a counter that moves whenever this phone changes a
 * row (lists kept alive in the background re-read what they show), and where a row was
 * last seen in its list, since the core looks rows up by page rather than by id for
 * households and enterprises.
 */
import { readonly, ref, watch } from 'vue'

import { syncState } from '@/sync/syncStore'
import type { Page } from '@/types'

import { MAX_PAGE } from '../lists/usePagedList'

const version = ref(0)

export const registryVersion = readonly(version)

/** Call after any change this phone makes to the registry. */
export function registryChanged(): void {
  version.value++
}

/** Reruns `refresh` after a local change or whenever a sync may have brought news. */
export function onRegistryChange(refresh: () => void): void {
  watch(
    () => [
      version.value,
      syncState.value?.lastSyncAtMs,
      syncState.value?.pending,
      syncState.value?.rejected,
    ],
    (next, previous) => {
      if (next.some((value, i) => value !== previous[i])) refresh()
    },
  )
}

/** Offsets rows were last seen at in their list, by id: where to look for them first. */
const seenAt = new Map<string, number>()

export function rememberOffsets(rows: readonly { id: string }[], start = 0): void {
  rows.forEach((row, i) => seenAt.set(row.id, start + i))
}

/**
 * One household or enterprise by id, read from its list: first the page around where
 * it was last seen, then the whole list. `null` when it is not there (deleted).
 */
export async function findRow<T extends { id: string }>(
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>,
  id: string,
): Promise<T | null> {
  const hint = seenAt.get(id)
  if (hint !== undefined) {
    const start = Math.max(0, hint - MAX_PAGE / 2)
    const near = (await fetchPage(start, MAX_PAGE)).items.find((row) => row.id === id)
    if (near) return near
  }
  for (let offset = 0; ; offset += MAX_PAGE) {
    const page = await fetchPage(offset, MAX_PAGE)
    const found = page.items.find((row) => row.id === id)
    if (found) {
      seenAt.set(id, offset + page.items.indexOf(found))
      return found
    }
    if (page.items.length < MAX_PAGE || offset + MAX_PAGE >= page.total) return null
  }
}
