import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { stopSyncPolling } from '@/sync/syncStore'

import { mountScreen } from '../../lists/testing'
import HouseholdDetailView from '../HouseholdDetailView.vue'
import { household, resident } from './fixtures'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

async function open() {
  vi.mocked(api.households).mockResolvedValue({
    items: [household({ id: 'hh-0', address: '别的户' }), household()],
    total: 2,
  })
  vi.mocked(api.householdResidents).mockResolvedValue([
    resident(),
    resident({ id: 'res-2', name: '李秀英', relation: 'spouse', careTags: [] }),
  ])
  const mounted = await mountScreen(HouseholdDetailView, { path: '/registry/households/hh-1' })
  await flushPromises()
  return mounted
}

async function confirmDelete(wrapper: Awaited<ReturnType<typeof open>>['wrapper']) {
  await wrapper.find(sel('household-delete')).trigger('click')
  await flushPromises()
  document.body.querySelector<HTMLElement>('.van-dialog__confirm')?.click()
  await flushPromises()
}

describe('HouseholdDetailView', () => {
  afterEach(() => {
    stopSyncPolling()
    document.body.innerHTML = ''
  })

  it('should show the household found in its list, with its residents', async () => {
    const { wrapper } = await open()

    expect(wrapper.find(sel('household-detail')).text()).toContain('金梭路 12 号院 3 号楼 501')
    expect(api.householdResidents).toHaveBeenCalledWith('hh-1')
    const names = wrapper.findAll(sel('resident-name')).map((n) => n.text())
    expect(names).toEqual(['张伟华', '李秀英'])
  })

  it('should explain why a household with residents cannot be deleted', async () => {
    vi.mocked(api.deleteRow).mockRejectedValue(new AppError('household_not_empty', 'lived in'))
    const { wrapper } = await open()

    await confirmDelete(wrapper)

    expect(api.deleteRow).toHaveBeenCalledWith('household', 'hh-1')
    expect(wrapper.find(sel('household-delete-error')).text()).toBe('该户还有居民，请先办理迁出')
  })

  it('should say the household is gone when its list no longer has it', async () => {
    vi.mocked(api.households).mockResolvedValue({ items: [], total: 0 })
    vi.mocked(api.householdResidents).mockResolvedValue([])

    const { wrapper } = await mountScreen(HouseholdDetailView, { path: '/registry/households/x' })
    await flushPromises()

    expect(wrapper.find(sel('row-not-found')).text()).toContain('找不到这条记录')
  })
})
