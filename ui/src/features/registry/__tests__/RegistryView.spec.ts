import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { signIn } from '@/session/session'
import { stopSyncPolling } from '@/sync/syncStore'
import type { ConflictItem, Session } from '@/types'

import { refreshConflictCount } from '../../conflicts/conflictStore'
import { ListStub, mountScreen } from '../../lists/testing'
import RegistryView from '../RegistryView.vue'
import { household, resident } from './fixtures'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

const session: Session = {
  account: 'wgz0101',
  displayName: '网格长',
  server: 'http://127.0.0.1:8787',
  grid: {
    code: '410108001001-01',
    name: '第一网格',
    district: { code: '410108', name: '惠济区' },
    township: { code: '410108001', name: '刘寨街道' },
    community: { code: '410108001001', name: '金河社区' },
  },
}

const conflict: ConflictItem = {
  id: 'c-1',
  entity: 'resident',
  rowId: 'res-1',
  field: 'phone',
  kept: '13800138000',
  keptAuthor: 'a',
  other: '13900139000',
  otherAuthor: 'b',
  createdAtMs: 0,
}

async function open(path = '/registry') {
  const mounted = await mountScreen(RegistryView, {
    path,
    global: { stubs: { VanList: ListStub } },
  })
  await flushPromises()
  return mounted
}

describe('RegistryView', () => {
  beforeEach(async () => {
    vi.mocked(api.households).mockResolvedValue({ items: [household()], total: 1 })
    vi.mocked(api.residents).mockResolvedValue({ items: [resident()], total: 1 })
    vi.mocked(api.enterprises).mockResolvedValue({ items: [], total: 0 })
    vi.mocked(api.openConflicts).mockResolvedValue([])
    vi.mocked(api.login).mockResolvedValue(session)
    await signIn(session.server, session.account, 'pw')
  })

  afterEach(() => stopSyncPolling())

  it('should start on households and switch tabs through the address', async () => {
    const { wrapper, router } = await open()
    expect(wrapper.find(sel('household-item')).exists()).toBe(true)

    await wrapper.find(sel('registry-tab-residents')).trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.query.tab).toBe('residents')
    expect(wrapper.find(sel('resident-item')).exists()).toBe(true)
    expect(wrapper.find(sel('registry-tab-residents')).attributes('aria-selected')).toBe('true')
  })

  it('should say so when the grid has no enterprises', async () => {
    const { wrapper } = await open('/registry?tab=enterprises')

    expect(wrapper.find(sel('enterprise-list-empty')).text()).toContain('还没有企业')
  })

  it('should open the add form of the tab shown', async () => {
    const { wrapper, router } = await open('/registry?tab=residents')

    await wrapper.find(sel('registry-add')).trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.name).toBe('resident-new')
  })

  it('should point to the conflicts waiting to be settled', async () => {
    vi.mocked(api.openConflicts).mockResolvedValue([conflict, { ...conflict, id: 'c-2' }])
    await refreshConflictCount()
    const { wrapper, router } = await open()

    const banner = wrapper.find(sel('registry-conflicts'))
    expect(banner.text()).toContain('有 2 处数据冲突待确认')
    await banner.trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.name).toBe('conflicts')
  })

  it('should show no banner when there is nothing to settle', async () => {
    vi.mocked(api.openConflicts).mockResolvedValue([])
    await refreshConflictCount()

    const { wrapper } = await open()

    expect(wrapper.find(sel('registry-conflicts')).exists()).toBe(false)
  })
})
