import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { mountInApp } from '@/testing/mount'
import { syncStateWith } from '@/testing/syncState'
import type { PatrolItem } from '@/types'

import { pendingReportPrefill, takeReportPrefill } from '../../report/prefill'
import PatrolView from '../PatrolView.vue'
import { rememberVisit, resetPatrolStore, TRACK_INTERVAL_MS } from '../patrolStore'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`
const Blank = { render: () => null }

const running = (patch: Partial<PatrolItem> = {}): PatrolItem => ({
  id: 'p-1',
  startedAtMs: Date.now() - 65_000,
  endedAtMs: null,
  distanceM: 0,
  points: 0,
  visits: 0,
  ...patch,
})

function stubPosition(latitude: number, longitude: number, accuracy = 8): void {
  vi.stubGlobal('navigator', {
    geolocation: {
      getCurrentPosition: (ok: PositionCallback) =>
        ok({ coords: { latitude, longitude, accuracy } } as GeolocationPosition),
    },
  })
}

async function mountPatrol() {
  const mounted = await mountInApp(PatrolView)
  mounted.router.addRoute({ path: '/patrol/day', name: 'patrol-day', component: Blank })
  return mounted
}

describe('PatrolView', () => {
  beforeEach(() => {
    vi.mocked(api.syncState).mockResolvedValue(syncStateWith())
    vi.mocked(api.trackPoint).mockResolvedValue(true)
  })

  afterEach(() => {
    resetPatrolStore()
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('should offer to start when no patrol runs', async () => {
    vi.mocked(api.currentPatrol).mockResolvedValue(null)

    const { wrapper } = await mountPatrol()
    await flushPromises()

    expect(wrapper.find(sel('patrol-idle')).text()).toContain('当前没有进行中的走访')
    expect(wrapper.find(sel('patrol-start')).exists()).toBe(true)
    expect(api.trackPoint).not.toHaveBeenCalled()
  })

  it('should start a patrol and feed the track every 15 s from the phone position', async () => {
    vi.useFakeTimers()
    stubPosition(34.8612, 113.6021, 8.5)
    vi.mocked(api.currentPatrol).mockResolvedValueOnce(null)
    vi.mocked(api.startPatrol).mockResolvedValue(running({ startedAtMs: Date.now() }))
    vi.mocked(api.currentPatrol).mockResolvedValue(running({ distanceM: 1234, points: 3 }))
    const { wrapper } = await mountPatrol()
    await vi.advanceTimersByTimeAsync(0)

    await wrapper.find(sel('patrol-start')).trigger('click')
    await vi.advanceTimersByTimeAsync(0)

    expect(api.startPatrol).toHaveBeenCalledTimes(1)
    expect(api.trackPoint, 'a first fix right away').toHaveBeenCalledTimes(1)
    expect(api.trackPoint).toHaveBeenCalledWith({
      lat: 34.8612,
      lon: 113.6021,
      accuracyM: 8.5,
      source: 'device',
    })
    await vi.advanceTimersByTimeAsync(TRACK_INTERVAL_MS)
    expect(api.trackPoint).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(TRACK_INTERVAL_MS * 2)
    expect(api.trackPoint).toHaveBeenCalledTimes(4)
    expect(wrapper.find(sel('patrol-distance')).text()).toBe('1.23 公里')
    expect(wrapper.find(sel('patrol-fixes')).text()).toBe('3')
    expect(wrapper.find(sel('patrol-duration')).text()).toMatch(/^\d+:\d\d$/)
  })

  it('should not hand a 0,0 answer to the core and say the track is paused', async () => {
    vi.useFakeTimers()
    stubPosition(0, 0)
    vi.mocked(api.currentPatrol).mockResolvedValue(running())

    const { wrapper } = await mountPatrol()
    await vi.advanceTimersByTimeAsync(TRACK_INTERVAL_MS)

    expect(api.trackPoint).not.toHaveBeenCalled()
    expect(wrapper.find(sel('patrol-no-fix')).text()).toContain('轨迹暂停记录')
  })

  it('should resume feeding a patrol left running, and stop feeding once it ends', async () => {
    stubPosition(34.8612, 113.6021)
    vi.mocked(api.currentPatrol).mockResolvedValue(running())
    vi.mocked(api.stopPatrol).mockResolvedValue(running({ endedAtMs: Date.now() }))
    const { wrapper, router } = await mountPatrol()
    await flushPromises()
    expect(wrapper.find(sel('patrol-running')).exists()).toBe(true)
    expect(api.trackPoint).toHaveBeenCalledTimes(1)

    await wrapper.find(sel('patrol-stop')).trigger('click')
    await flushPromises()
    document.body.querySelector<HTMLElement>('.van-dialog__confirm')?.click()
    await flushPromises()

    expect(api.stopPatrol).toHaveBeenCalledTimes(1)
    expect(router.currentRoute.value.name, 'the day summary follows').toBe('patrol-day')
    vi.useFakeTimers()
    await vi.advanceTimersByTimeAsync(TRACK_INTERVAL_MS * 3)
    expect(api.trackPoint, 'no fixes after the end').toHaveBeenCalledTimes(1)
  })

  it('should keep the patrol running when the leader cancels the stop', async () => {
    vi.mocked(api.currentPatrol).mockResolvedValue(running())
    const { wrapper } = await mountPatrol()
    await flushPromises()

    await wrapper.find(sel('patrol-stop')).trigger('click')
    await flushPromises()
    expect(document.body.querySelector('.van-dialog')?.textContent).toContain(
      '确定结束本次走访吗？',
    )
    document.body.querySelector<HTMLElement>('.van-dialog__cancel')?.click()
    await flushPromises()

    expect(api.stopPatrol).not.toHaveBeenCalled()
    expect(wrapper.find(sel('patrol-running')).exists()).toBe(true)
  })

  it('should turn a recorded visit into a prefilled report', async () => {
    vi.mocked(api.currentPatrol).mockResolvedValue(running())
    const { wrapper, router } = await mountPatrol()
    await flushPromises()
    rememberVisit({
      id: 'v-1',
      subject: { entity: 'household', id: 'hh-1', title: '金梭路 12 号院 501', subtitle: '' },
      note: '楼道灭火器过期',
      photo: null,
      position: { lat: 34.86, lon: 113.6, accuracyM: 10, source: 'device' },
      atMs: Date.now(),
    })
    await flushPromises()
    expect(wrapper.find(sel('patrol-visits')).text()).toBe('1')

    await wrapper.find(sel('patrol-visit-to-report')).trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.name).toBe('report')
    expect(pendingReportPrefill.value).not.toBeNull()
    expect(takeReportPrefill()).toEqual({
      description: '楼道灭火器过期',
      photos: [],
      position: { lat: 34.86, lon: 113.6, accuracyM: 10, source: 'device' },
      subject: { entity: 'household', id: 'hh-1', title: '金梭路 12 号院 501', subtitle: '' },
    })
  })
})
