import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { stopSyncPolling } from '@/sync/syncStore'
import type { Hit } from '@/types'

import { mountScreen } from '../../lists/testing'
import SearchView from '../SearchView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

const hit = (patch: Partial<Hit>): Hit => ({
  kind: 'resident',
  id: 'res-1',
  title: '张伟华',
  subtitle: '金梭路 12 号院 · 410108********0035',
  matched: 'name',
  quality: 'prefix',
  movedOut: false,
  ...patch,
})

async function typeQuery(wrapper: VueWrapper, text: string): Promise<void> {
  await wrapper.find(sel('search-input')).setValue(text)
}

describe('SearchView', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })

  afterEach(() => {
    vi.useRealTimers()
    stopSyncPolling()
  })

  it('should search once typing pauses, not on every keystroke', async () => {
    vi.mocked(api.searchRegistry).mockResolvedValue([hit({})])
    const { wrapper } = await mountScreen(SearchView, { path: '/search' })

    await typeQuery(wrapper, 'z')
    await vi.advanceTimersByTimeAsync(50)
    await typeQuery(wrapper, 'zw')
    await vi.advanceTimersByTimeAsync(50)
    await typeQuery(wrapper, 'zwh')
    expect(api.searchRegistry).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(150)
    await flushPromises()

    expect(api.searchRegistry).toHaveBeenCalledTimes(1)
    expect(api.searchRegistry).toHaveBeenCalledWith('zwh')
    expect(wrapper.find(sel('search-hit-title')).text()).toBe('张伟华')
    expect(wrapper.find(sel('search-hit')).text()).toContain('居民')
  })

  it('should show only the answer to the latest query when answers cross', async () => {
    let slow: (hits: Hit[]) => void = () => undefined
    vi.mocked(api.searchRegistry)
      .mockImplementationOnce(() => new Promise((resolve) => (slow = resolve)))
      .mockResolvedValueOnce([hit({ id: 'new', title: '王芳' })])
    const { wrapper } = await mountScreen(SearchView, { path: '/search' })

    await typeQuery(wrapper, 'zh')
    await vi.advanceTimersByTimeAsync(150)
    await typeQuery(wrapper, 'wf')
    await vi.advanceTimersByTimeAsync(150)
    slow([hit({ id: 'old' })])
    await flushPromises()

    const ids = wrapper.findAll(sel('search-hit')).map((h) => h.attributes('data-id'))
    expect(ids).toEqual(['new'])
  })

  it('should open the detail that fits the kind of hit', async () => {
    vi.mocked(api.searchRegistry).mockResolvedValue([
      hit({ kind: 'household', id: 'hh-7', title: '金梭路 12 号院' }),
    ])
    const { wrapper, router } = await mountScreen(SearchView, { path: '/search' })
    await typeQuery(wrapper, '金梭路')
    await vi.advanceTimersByTimeAsync(150)
    await flushPromises()

    await wrapper.find(sel('search-hit')).trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.fullPath).toBe('/registry/households/hh-7')
  })

  it('should say when nothing matched, and show the hint when the box is empty', async () => {
    vi.mocked(api.searchRegistry).mockResolvedValue([])
    const { wrapper } = await mountScreen(SearchView, { path: '/search' })
    expect(wrapper.find(sel('search-hint')).exists()).toBe(true)

    await typeQuery(wrapper, '不存在的人')
    await vi.advanceTimersByTimeAsync(150)
    await flushPromises()

    expect(wrapper.find(sel('search-empty')).text()).toContain('没有找到“不存在的人”')
  })

  it('should mark residents who moved out', async () => {
    vi.mocked(api.searchRegistry).mockResolvedValue([hit({ movedOut: true })])
    const { wrapper } = await mountScreen(SearchView, { path: '/search' })

    await typeQuery(wrapper, '张')
    await vi.advanceTimersByTimeAsync(150)
    await flushPromises()

    expect(wrapper.find(sel('search-hit')).text()).toContain('已迁出')
  })
})
