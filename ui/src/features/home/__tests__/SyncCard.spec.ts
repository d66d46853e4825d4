import { describe, expect, it, vi } from 'vitest'

import { setSyncState } from '@/sync/syncStore'
import { mountInApp } from '@/testing/mount'
import { syncStateWith } from '@/testing/syncState'

import SyncCard from '../SyncCard.vue'

vi.mock('@/api')

const state = syncStateWith

const warning = '[data-test="clock-warning"]'

describe('SyncCard clock warning', () => {
  it('should stay quiet while the phone clock agrees with the server', async () => {
    setSyncState(state({ clockOffsetMs: 90_000 }))

    const { wrapper } = await mountInApp(SyncCard)

    expect(wrapper.find(warning).exists()).toBe(false)
  })

  it('should name the minutes when the phone clock is far off', async () => {
    setSyncState(state({ clockOffsetMs: -12 * 60_000, clockSuspect: true }))

    const { wrapper } = await mountInApp(SyncCard)

    expect(wrapper.find(warning).text()).toContain('相差约 12 分钟')
  })

  it('should say so when the clock reads earlier than the last sync', async () => {
    setSyncState(state({ clockOffsetMs: 0, clockSuspect: true }))

    const { wrapper } = await mountInApp(SyncCard)

    expect(wrapper.find(warning).text()).toContain('早于上次同步')
  })
})
