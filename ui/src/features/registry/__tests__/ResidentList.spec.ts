import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { stopSyncPolling } from '@/sync/syncStore'

import { ListStub, mountScreen } from '../../lists/testing'
import ResidentList from '../ResidentList.vue'
import { resident, residentPage } from './fixtures'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

describe('ResidentList', () => {
  afterEach(() => stopSyncPolling())

  it('should show ID and phone masked as the core gave them, without asking for the full ones', async () => {
    vi.mocked(api.residents).mockResolvedValue({ items: [resident()], total: 1 })

    const { wrapper } = await mountScreen(ResidentList, {
      global: { stubs: { VanList: ListStub } },
    })
    await flushPromises()

    const row = wrapper.find(sel('resident-item'))
    expect(row.find(sel('resident-citizen-id')).text()).toBe('410108********0035')
    expect(row.find(sel('resident-phone')).text()).toBe('138****8000')
    expect(row.text()).toContain('独居老人')
    expect(api.reveal).not.toHaveBeenCalled()
  })

  it('should load the next page of 50 when the list scrolls to its end', async () => {
    vi.mocked(api.residents)
      .mockResolvedValueOnce(residentPage(0, 50, 20_000))
      .mockResolvedValueOnce(residentPage(50, 50, 20_000))
    const { wrapper } = await mountScreen(ResidentList, {
      global: { stubs: { VanList: ListStub } },
    })
    await flushPromises()
    expect(wrapper.findAll(sel('resident-item'))).toHaveLength(50)

    // What Vant's List does when its end comes within reach while scrolling.
    wrapper.findComponent(ListStub).vm.$emit('load')
    await flushPromises()

    expect(wrapper.findAll(sel('resident-item'))).toHaveLength(100)
    expect(vi.mocked(api.residents).mock.calls).toEqual([
      [0, 50, null],
      [50, 50, null],
    ])
  })

  it('should start over with only the tagged residents when a care tag is chosen', async () => {
    vi.mocked(api.residents).mockResolvedValueOnce(residentPage(0, 50, 900))
    vi.mocked(api.residents).mockResolvedValueOnce({
      items: [resident({ id: 'res-d', careTags: ['disabled'] })],
      total: 1,
    })
    const { wrapper } = await mountScreen(ResidentList, {
      global: { stubs: { VanList: ListStub } },
    })
    await flushPromises()

    await wrapper.find(sel('care-filter-disabled')).trigger('click')
    await flushPromises()

    expect(vi.mocked(api.residents).mock.lastCall).toEqual([0, 50, 'disabled'])
    const rows = wrapper.findAll(sel('resident-item'))
    expect(rows.map((r) => r.attributes('data-id'))).toEqual(['res-d'])
    expect(wrapper.find(sel('care-filter-disabled')).attributes('aria-pressed')).toBe('true')
  })

  it('should say when no resident has the chosen tag', async () => {
    vi.mocked(api.residents).mockResolvedValueOnce(residentPage(0, 3, 3))
    vi.mocked(api.residents).mockResolvedValueOnce({ items: [], total: 0 })
    const { wrapper } = await mountScreen(ResidentList, {
      global: { stubs: { VanList: ListStub } },
    })
    await flushPromises()

    await wrapper.find(sel('care-filter-veteran')).trigger('click')
    await flushPromises()

    expect(wrapper.find(sel('resident-list-empty')).text()).toContain('没有带“退役军人”标签的居民')
  })

  it('should mark rows not yet synced', async () => {
    vi.mocked(api.residents).mockResolvedValue({
      items: [resident({ pending: true }), resident({ id: 'res-2', pending: false })],
      total: 2,
    })

    const { wrapper } = await mountScreen(ResidentList, {
      global: { stubs: { VanList: ListStub } },
    })
    await flushPromises()

    const rows = wrapper.findAll(sel('resident-item'))
    expect(rows[0]?.find(sel('pending-mark')).text()).toBe('待同步')
    expect(rows[1]?.find(sel('pending-mark')).exists()).toBe(false)
  })
})
