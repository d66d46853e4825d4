import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { mountInApp } from '@/testing/mount'

import PointsView from '../PointsView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`
const at = (day: number) => new Date(new Date().getFullYear(), 4, day, 16, 20).getTime()

describe('PointsView', () => {
  it('should show the total and each entry with its reason in Chinese', async () => {
    vi.mocked(api.points).mockResolvedValue({
      total: 9,
      entries: [
        { reason: 'report_verified', refId: 'r-1', points: 5, atMs: at(3) },
        { reason: 'handled_on_time', refId: 'i-2', points: 3, atMs: at(2) },
        { reason: 'visit', refId: 'v-3', points: 1, atMs: at(1) },
      ],
    })

    const { wrapper } = await mountInApp(PointsView)
    await flushPromises()

    expect(wrapper.find(sel('points-total')).text()).toBe('9')
    const rows = wrapper.findAll(sel('points-entry'))
    expect(rows.map((row) => row.find('.points__reason').text())).toEqual([
      '上报经核查属实',
      '按期处置',
      '走访',
    ])
    expect(rows.map((row) => row.find(sel('points-entry-value')).text())).toEqual([
      '+5',
      '+3',
      '+1',
    ])
    expect(rows[0]!.text()).toContain('5月3日 16:20')
    expect(wrapper.text()).toContain('走访 +1（每天最多 20 次）')
  })

  it('should still list a reason this build does not know, as other', async () => {
    vi.mocked(api.points).mockResolvedValue({
      total: 2,
      entries: [{ reason: 'training', refId: 't-1', points: 2, atMs: at(4) }],
    })

    const { wrapper } = await mountInApp(PointsView, { locale: 'en' })
    await flushPromises()

    expect(wrapper.find('.points__reason').text()).toBe('Other')
    expect(wrapper.text()).not.toContain('training')
  })

  it('should say so when there are no points yet', async () => {
    vi.mocked(api.points).mockResolvedValue({ total: 0, entries: [] })

    const { wrapper } = await mountInApp(PointsView)
    await flushPromises()

    expect(wrapper.find(sel('points-total')).text()).toBe('0')
    expect(wrapper.find(sel('points-empty')).text()).toContain('还没有积分记录')
  })

  it('should show a localized error with a retry', async () => {
    vi.mocked(api.points).mockRejectedValueOnce(new AppError('not_logged_in', 'no session'))
    vi.mocked(api.points).mockResolvedValueOnce({ total: 1, entries: [] })
    const { wrapper } = await mountInApp(PointsView)
    await flushPromises()
    expect(wrapper.find(sel('points-loading')).exists()).toBe(false)
    expect(wrapper.text()).toContain('登录已失效，请重新登录')

    await wrapper.find('[data-test="load-error"] button').trigger('click')
    await flushPromises()

    expect(wrapper.find(sel('points-total')).text()).toBe('1')
  })
})
