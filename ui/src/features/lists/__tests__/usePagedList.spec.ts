import { describe, expect, it, vi } from 'vitest'

import type { Page } from '@/types'

import { PAGE_SIZE, usePagedList } from '../usePagedList'

/** A list of `total` numbered rows served a page at a time. */
function rows(total: number) {
  const all = Array.from({ length: total }, (_, i) => ({ id: `r${i}` }))
  return vi.fn(async (offset: number, limit: number): Promise<Page<{ id: string }>> => ({
    items: all.slice(offset, offset + limit),
    total,
  }))
}

describe('usePagedList', () => {
  it('should fetch 50 rows at a time and never the whole of a 20,000-row list', async () => {
    const fetch = rows(20_000)
    const list = usePagedList(fetch)

    await list.reset()
    await list.loadMore()

    expect(fetch.mock.calls).toEqual([
      [0, PAGE_SIZE],
      [PAGE_SIZE, PAGE_SIZE],
    ])
    expect(list.items.value).toHaveLength(100)
    expect(list.total.value).toBe(20_000)
    expect(list.finished.value).toBe(false)
  })

  it('should finish on the last short page and not ask again', async () => {
    const fetch = rows(70)
    const list = usePagedList(fetch)

    await list.reset()
    await list.loadMore()
    await list.loadMore()

    expect(list.items.value).toHaveLength(70)
    expect(list.finished.value).toBe(true)
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('should drop a page that arrives after the list was reset', async () => {
    let release: (page: Page<{ id: string }>) => void = () => undefined
    const fetch = vi
      .fn<(offset: number, limit: number) => Promise<Page<{ id: string }>>>()
      .mockImplementationOnce(() => new Promise((resolve) => (release = resolve)))
      .mockResolvedValueOnce({ items: [{ id: 'new' }], total: 1 })
    const list = usePagedList(fetch)

    const slow = list.reset()
    await list.reset()
    release({ items: [{ id: 'old' }], total: 1 })
    await slow

    expect(list.items.value).toEqual([{ id: 'new' }])
  })

  it('should keep the rows shown and mark the failure when a later page fails', async () => {
    const fetch = rows(200)
    const list = usePagedList(fetch)
    await list.reset()
    fetch.mockRejectedValueOnce({ code: 'storage', message: 'io' })

    await list.loadMore()

    expect(list.items.value).toHaveLength(PAGE_SIZE)
    expect(list.failed.value).toBe(true)
    expect(list.error.value?.code).toBe('storage')
    expect(list.loading.value).toBe(false)
  })

  it('should re-read as many rows as are shown when refreshed, keeping the place', async () => {
    const fetch = rows(500)
    const list = usePagedList(fetch)
    await list.reset()
    await list.loadMore()
    await list.loadMore()
    fetch.mockClear()

    await list.refresh()

    expect(list.items.value).toHaveLength(150)
    expect(fetch.mock.calls).toEqual([[0, 150]])
  })
})
