import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { mountInApp } from '@/testing/mount'

import DaySummaryView from '../DaySummaryView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

describe('DaySummaryView', () => {
  it("should show today's patrol work and step back a day on request", async () => {
    vi.mocked(api.daySummary).mockResolvedValue({
      dayStartMs: 0,
      patrols: 2,
      patrolMs: (65 + 12) * 60_000,
      distanceM: 3420,
      visits: 7,
      reports: 1,
      steps: 3,
    })
    const before = Date.now()
    const { wrapper } = await mountInApp(DaySummaryView)
    await flushPromises()

    expect(wrapper.find(sel('day-label')).text()).toBe('今天')
    expect(wrapper.find(sel('day-visits')).text()).toBe('7')
    expect(wrapper.find(sel('day-patrol-time')).text()).toBe('1 小时 17 分钟')
    expect(wrapper.find(sel('day-distance')).text()).toBe('3.42 公里')
    expect(wrapper.find(sel('day-reports')).text()).toBe('1')
    const today = vi.mocked(api.daySummary).mock.calls[0]![0]
    expect(today).toBeGreaterThanOrEqual(before)

    await wrapper.find(sel('day-previous')).trigger('click')
    await flushPromises()

    const yesterday = vi.mocked(api.daySummary).mock.calls[1]![0]
    expect(Math.abs(today - yesterday - 86_400_000), 'one whole day earlier').toBeLessThan(1_000)
    expect(wrapper.find(sel('day-label')).text()).toMatch(/^\d+月\d+日$/)
  })
})
