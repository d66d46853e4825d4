import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { mountInApp } from '@/testing/mount'
import { syncStateWith } from '@/testing/syncState'
import type { EnterpriseItem, HouseholdItem, PhotoInfo } from '@/types'

import { recordedVisits, resetPatrolStore } from '../patrolStore'
import VisitView from '../VisitView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`
const Blank = { render: () => null }

const household: HouseholdItem = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  address: '金梭路 12 号院 3 号楼 501',
  headName: '张伟华',
  members: 3,
  residents: 3,
  pending: false,
}
const enterprise: EnterpriseItem = {
  id: '0190a1b2-0000-7000-8000-0000000000e1',
  name: '郑州市惠济区顺达汽修店',
  creditCode: '91410108MA44XXXX1X',
  legalRepresentative: '王强',
  address: '天河路 88 号',
  industry: '汽车修理',
  lat: 34.86,
  lon: 113.6,
  pending: false,
}
const photo: PhotoInfo = {
  sha256: 'b'.repeat(64),
  width: 800,
  height: 600,
  bytes: 1000,
  exifPosition: { lat: 34.8701, lon: 113.6102 },
  takenAt: null,
  url: 'photo://b',
}

async function mountVisit() {
  const mounted = await mountInApp(VisitView)
  mounted.router.addRoute({ path: '/patrol', name: 'patrol', component: Blank })
  await flushPromises()
  return mounted
}

describe('VisitView', () => {
  beforeEach(() => {
    vi.mocked(api.households).mockResolvedValue({ items: [household], total: 1 })
    vi.mocked(api.enterprises).mockResolvedValue({ items: [enterprise], total: 1 })
    vi.mocked(api.recordVisit).mockResolvedValue('visit-1')
    vi.mocked(api.syncState).mockResolvedValue(syncStateWith({ pending: 1 }))
  })

  afterEach(() => {
    resetPatrolStore()
    vi.unstubAllGlobals()
  })

  it('should record a visit to a household picked from the list, with the phone position', async () => {
    vi.stubGlobal('navigator', {
      geolocation: {
        getCurrentPosition: (ok: PositionCallback) =>
          ok({
            coords: { latitude: 34.8612, longitude: 113.6021, accuracy: 9 },
          } as GeolocationPosition),
      },
    })
    const { wrapper, router } = await mountVisit()

    await wrapper.find(sel('visit-list-item')).trigger('click')
    await wrapper.find(sel('visit-note')).setValue('  独居老人身体尚好，家中燃气灶软管老化  ')
    await wrapper.find(sel('visit-save')).trigger('click')
    await flushPromises()

    expect(api.recordVisit).toHaveBeenCalledWith({
      entity: 'household',
      id: household.id,
      note: '独居老人身体尚好，家中燃气灶软管老化',
      photo: null,
      position: { lat: 34.8612, lon: 113.6021, accuracyM: 9, source: 'device' },
    })
    expect(router.currentRoute.value.name).toBe('patrol')
    expect(recordedVisits.value.map((v) => v.subject.title)).toEqual([household.address])
  })

  it('should record an enterprise visit with its photo and the photo position when the phone has none', async () => {
    vi.mocked(api.importPhoto).mockResolvedValue(photo)
    const { wrapper } = await mountVisit()

    await wrapper.find(sel('visit-kind-enterprise')).trigger('click')
    await flushPromises()
    await wrapper.find(sel('visit-list-item')).trigger('click')
    const input = wrapper.find(sel('report-photo-input'))
    Object.defineProperty(input.element, 'files', { value: [new File(['x'], 'shop.jpg')] })
    await input.trigger('change')
    await flushPromises()
    await wrapper.find(sel('visit-note')).setValue('消防通道畅通')
    await wrapper.find(sel('visit-save')).trigger('click')
    await flushPromises()

    expect(api.enterprises).toHaveBeenCalledWith(0, 30)
    expect(wrapper.find(sel('report-photo-input')).exists(), 'one photo per visit').toBe(false)
    expect(api.recordVisit).toHaveBeenCalledWith({
      entity: 'enterprise',
      id: enterprise.id,
      note: '消防通道畅通',
      photo: photo.sha256,
      position: { lat: 34.8701, lon: 113.6102, accuracyM: null, source: 'exif' },
    })
  })

  it('should ask for the visited row and the note before saving', async () => {
    const { wrapper } = await mountVisit()

    await wrapper.find(sel('visit-save')).trigger('click')
    await flushPromises()
    expect(wrapper.find(sel('visit-error')).text()).toBe('请选择走访对象')

    await wrapper.find(sel('visit-list-item')).trigger('click')
    await wrapper.find(sel('visit-save')).trigger('click')
    await flushPromises()

    expect(wrapper.find(sel('visit-error')).text()).toBe('请填写走访情况')
    expect(api.recordVisit).not.toHaveBeenCalled()
  })

  it('should show the localized reason when the core refuses the visit', async () => {
    vi.mocked(api.recordVisit).mockRejectedValue(new AppError('row_missing', 'gone'))
    const { wrapper } = await mountVisit()

    await wrapper.find(sel('visit-list-item')).trigger('click')
    await wrapper.find(sel('visit-note')).setValue('门口无人')
    await wrapper.find(sel('visit-save')).trigger('click')
    await flushPromises()

    expect(wrapper.find(sel('visit-error')).text()).toBe('找不到这条记录，可能已被删除')
    expect(recordedVisits.value).toHaveLength(0)
  })
})
