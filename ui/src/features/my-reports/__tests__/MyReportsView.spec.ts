import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { setSyncState, stopSyncPolling } from '@/sync/syncStore'
import { mountInApp } from '@/testing/mount'
import type { ReportItem, SyncState } from '@/types'

import MyReportsView from '../MyReportsView.vue'

vi.mock('@/api')

const report = (sync: ReportItem['sync']): ReportItem => ({
  id: 'r-1',
  domain: 'work_safety',
  focusTag: null,
  description: '液化气罐堆放',
  status: 'reported',
  reportedAtMs: 0,
  receivedAtMs: sync === 'synced' ? 1 : null,
  acceptedAtMs: null,
  sync,
  syncError: null,
  position: null,
  photos: [],
})

const state = (pending: number, lastSyncAtMs: number | null): SyncState => ({
  pending,
  rejected: 0,
  lastSyncAtMs,
  lastError: null,
  syncing: false,
  clockOffsetMs: null,
  clockSuspect: false,
})

describe('MyReportsView', () => {
  beforeEach(() => {
    // What a late reload (after the test's own answers are used up) gets.
    vi.mocked(api.myReports).mockResolvedValue([])
  })

  afterEach(() => stopSyncPolling())

  it('should say so when there are no reports yet', async () => {
    vi.mocked(api.myReports).mockResolvedValue([])

    const { wrapper } = await mountInApp(MyReportsView)
    await flushPromises()

    expect(wrapper.text()).toContain('还没有上报记录')
  })

  it('should show a localized error with a retry when loading fails', async () => {
    vi.mocked(api.myReports).mockRejectedValueOnce(new AppError('storage', 'io'))
    vi.mocked(api.myReports).mockResolvedValueOnce([report('pending')])
    const { wrapper } = await mountInApp(MyReportsView)
    await flushPromises()
    expect(wrapper.text()).toContain('手机存储出错，请检查剩余空间')

    await wrapper.find('[data-test="load-error"] button').trigger('click')
    await flushPromises()

    expect(wrapper.findAll('[data-test="my-report-item"]')).toHaveLength(1)
  })

  it('should reload by itself when a sync moves the outbox', async () => {
    setSyncState(state(1, null))
    vi.mocked(api.myReports).mockResolvedValueOnce([report('pending')])
    vi.mocked(api.myReports).mockResolvedValueOnce([report('synced')])
    const { wrapper } = await mountInApp(MyReportsView)
    await flushPromises()
    const sync = () => wrapper.find('[data-test="my-report-item"]').attributes('data-sync')
    expect(sync()).toBe('pending')

    setSyncState(state(1, null))
    await flushPromises()
    expect(api.myReports, 'an unchanged poll does not reload').toHaveBeenCalledTimes(1)

    setSyncState(state(0, Date.now()))
    await flushPromises()

    expect(sync()).toBe('synced')
  })
})
