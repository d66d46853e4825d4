import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { mountInApp } from '@/testing/mount'

import { beginPatrol, resetPatrolStore } from '../../patrol/patrolStore'
import MoreView from '../MoreView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

describe('MoreView', () => {
  afterEach(() => resetPatrolStore())

  it('should lead to each of the leader’s own screens with a large tile', async () => {
    vi.mocked(api.points).mockResolvedValue({ total: 12, entries: [] })

    const { wrapper } = await mountInApp(MoreView)
    await flushPromises()

    const links = ['patrol', 'map', 'points', 'notices', 'settings'].map((name) =>
      wrapper.find(sel(`more-${name}`)).attributes('href'),
    )
    expect(links).toEqual(['/patrol', '/map', '/points', '/notices', '/settings'])
    expect(wrapper.find(sel('more-points')).text()).toContain('12 分')
    expect(wrapper.find(sel('more-patrol-running')).exists()).toBe(false)
  })

  it('should show a running patrol and how long it has run', async () => {
    vi.mocked(api.points).mockRejectedValue(new Error('offline'))
    vi.mocked(api.startPatrol).mockResolvedValue({
      id: 'p-1',
      startedAtMs: Date.now() - 125_000,
      endedAtMs: null,
      distanceM: 0,
      points: 0,
      visits: 0,
    })
    await beginPatrol()

    const { wrapper } = await mountInApp(MoreView)
    await flushPromises()

    expect(wrapper.find(sel('more-patrol-running')).text()).toMatch(/^走访中 · 2:0\d$/)
    expect(wrapper.find(sel('more-points')).text(), 'a failed figure is left out').toBe('我的积分')
  })
})
