import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { loadSession, session } from '@/session/session'
import { mountInApp } from '@/testing/mount'
import { syncStateWith } from '@/testing/syncState'

import SyncIndicator from '../SyncIndicator.vue'
import {
  indicatorState,
  lastSyncError,
  POLL_INTERVAL_MS,
  setSyncState,
  startSyncPolling,
  stopSyncPolling,
  syncNow,
} from '../syncStore'

vi.mock('@/api')

const state = syncStateWith

describe('SyncIndicator', () => {
  afterEach(() => stopSyncPolling())

  it('should show the pending count while idle', async () => {
    setSyncState(state({ pending: 3 }))

    const { wrapper } = await mountInApp(SyncIndicator)

    expect(wrapper.attributes('data-pending')).toBe('3')
    expect(wrapper.attributes('data-state')).toBe('idle')
    expect(wrapper.text()).toBe('待同步 3')
  })

  it('should say syncing while the core syncs', async () => {
    setSyncState(state({ pending: 1, syncing: true }))

    const { wrapper } = await mountInApp(SyncIndicator)

    expect(wrapper.attributes('data-state')).toBe('syncing')
    expect(wrapper.text()).toBe('同步中')
  })

  it('should say offline when the last sync could not reach the relay', async () => {
    setSyncState(state({ pending: 2, lastError: { code: 'relay_unreachable', message: '' } }))

    const { wrapper } = await mountInApp(SyncIndicator)

    expect(wrapper.attributes('data-state')).toBe('error')
    expect(wrapper.text()).toContain('离线')
    expect(wrapper.attributes('data-pending')).toBe('2')
  })
})

describe('sync polling', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })

  afterEach(() => {
    stopSyncPolling()
    vi.useRealTimers()
  })

  it('should ask the core for the sync state every five seconds', async () => {
    vi.mocked(api.syncState).mockResolvedValue(state({ pending: 4 }))

    startSyncPolling()
    await vi.advanceTimersByTimeAsync(2 * POLL_INTERVAL_MS)

    expect(POLL_INTERVAL_MS).toBe(5_000)
    expect(api.syncState, 'once at start, then once per interval').toHaveBeenCalledTimes(3)
  })

  it('should drop the session when the core says nobody is logged in', async () => {
    vi.mocked(api.currentSession).mockResolvedValue({
      account: 'a',
      displayName: 'A',
      server: 's',
      grid: {
        code: 'g',
        name: 'G',
        district: { code: 'd', name: 'D' },
        township: { code: 't', name: 'T' },
        community: { code: 'c', name: 'C' },
      },
    })
    await loadSession()
    expect(session.value).not.toBeNull()
    vi.mocked(api.syncState).mockRejectedValue(new AppError('not_logged_in', ''))

    startSyncPolling()
    await flushPromises()

    expect(session.value).toBeNull()
  })
})

describe('syncNow', () => {
  afterEach(() => stopSyncPolling())

  it('should keep the failure of a sync started here even if the core records none', async () => {
    vi.mocked(api.syncNow).mockRejectedValue({ code: 'relay_unreachable', message: 'refused' })
    vi.mocked(api.syncState).mockResolvedValue(state({ pending: 1, lastSyncAtMs: 1_000 }))

    const failure = await syncNow().catch((e: unknown) => e)

    expect(failure).toBeInstanceOf(AppError)
    expect(lastSyncError.value?.code).toBe('relay_unreachable')
    expect(indicatorState.value).toBe('error')
  })

  it('should forget that failure once the core reports a later successful sync', async () => {
    vi.mocked(api.syncNow).mockRejectedValue({ code: 'relay_unreachable', message: 'refused' })
    vi.mocked(api.syncState).mockResolvedValue(state({ pending: 1, lastSyncAtMs: 1_000 }))
    await syncNow().catch(() => undefined)

    setSyncState(state({ pending: 0, lastSyncAtMs: Date.now() + 1_000 }))

    expect(lastSyncError.value).toBeNull()
    expect(indicatorState.value).toBe('idle')
  })
})
