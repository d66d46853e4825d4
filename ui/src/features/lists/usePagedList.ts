import { ref, shallowRef, type Ref } from 'vue'

import { toAppError, type AppError } from '@/errors'
import type { Page } from '@/types'

/** Rows asked for per page while scrolling: a screenful or two on a phone. */
export const PAGE_SIZE = 50

/** The most rows the core gives in one answer; used when re-reading what is shown. */
export const MAX_PAGE = 200

export type PageFetch<T> = (offset: number, limit: number) => Promise<Page<T>>

/**
 * A long list read page by page as the leader scrolls (the state Vant's List binds to).
 * A grid can hold 20,000 residents: only what has been scrolled to is ever fetched.
 *
 * Answers that arrive after the list was reset (a new filter, say) are dropped, so a
 * slow page of the old filter never lands in the new list.
 */
export function usePagedList<T>(fetchPage: PageFetch<T>, pageSize = PAGE_SIZE) {
  const items = shallowRef([]) as Ref<T[]>
  const total = ref<number | null>(null)
  /** A page is on its way (Vant List's `loading`). */
  const loading = ref(false)
  /** Every row has been fetched (Vant List's `finished`). */
  const finished = ref(false)
  /** The last page failed; Vant List shows a retry line while true. */
  const failed = ref(false)
  const error = ref<AppError | null>(null)
  let generation = 0

  async function loadMore(): Promise<void> {
    if (finished.value) {
      loading.value = false
      return
    }
    const mine = generation
    loading.value = true
    try {
      const page = await fetchPage(items.value.length, pageSize)
      if (mine !== generation) return
      items.value = [...items.value, ...page.items]
      total.value = page.total
      finished.value = page.items.length < pageSize || items.value.length >= page.total
      failed.value = false
      error.value = null
    } catch (reason) {
      if (mine !== generation) return
      error.value = toAppError(reason)
      failed.value = true
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Starts over from the first page (a new filter, or a retry of a first page that failed). */
  function reset(): Promise<void> {
    generation++
    items.value = []
    total.value = null
    finished.value = false
    failed.value = false
    error.value = null
    loading.value = false
    return loadMore()
  }

  /**
   * Reads again the rows already shown, in the same number, so an edit or a sync shows
   * (pending marks, new rows) without throwing the leader back to the top of the list.
   */
  async function refresh(): Promise<void> {
    if (items.value.length === 0) return reset()
    const mine = ++generation
    const wanted = Math.max(items.value.length, pageSize)
    const fresh: T[] = []
    let count = 0
    try {
      while (fresh.length < wanted) {
        const page = await fetchPage(fresh.length, Math.min(MAX_PAGE, wanted - fresh.length))
        fresh.push(...page.items)
        count = page.total
        if (page.items.length === 0) break
      }
    } catch {
      // Keep what is shown; the next refresh or scroll tries again.
      if (mine === generation) loading.value = false
      return
    }
    if (mine !== generation) return
    items.value = fresh
    total.value = count
    finished.value = fresh.length >= count
    loading.value = false
  }

  return { items, total, loading, finished, failed, error, loadMore, reset, refresh }
}
