import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { mountInApp } from '@/testing/mount'
import { syncStateWith } from '@/testing/syncState'
import type { Hit, NearbyIssue, PhotoInfo, ReportItem, TimelineItem } from '@/types'

import { prefillReport } from '../prefill'
import ReportView from '../ReportView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

const created = { id: 'r-1' } as ReportItem
const nearby: NearbyIssue = {
  id: 'issue-7',
  description: '楼道堆放电动车电池，正在充电',
  status: 'dispatched',
  reportedAtMs: new Date(new Date().getFullYear(), 5, 1, 9, 30).getTime(),
  distanceM: 23.4,
}
const photo: PhotoInfo = {
  sha256: 'a'.repeat(64),
  width: 800,
  height: 600,
  bytes: 1000,
  exifPosition: null,
  takenAt: null,
  url: 'photo://a',
}

async function fillReport(wrapper: VueWrapper, withPosition = true): Promise<void> {
  await wrapper.find(sel('report-domain-work_safety')).trigger('click')
  await wrapper.find(sel('report-description')).setValue('电动车在楼道里充电')
  if (withPosition) {
    await wrapper.find(sel('report-lat')).setValue('34.8612')
    await wrapper.find(sel('report-lon')).setValue('113.6021')
  }
}

async function submit(wrapper: VueWrapper): Promise<void> {
  await wrapper.find(sel('report-submit')).trigger('click')
  await flushPromises()
}

describe('ReportView: duplicate hint', () => {
  beforeEach(() => {
    vi.mocked(api.createReport).mockResolvedValue(created)
    vi.mocked(api.syncState).mockResolvedValue(syncStateWith({ pending: 1 }))
    vi.mocked(api.positionInGrid).mockResolvedValue(true)
    vi.mocked(api.takeStep).mockResolvedValue({ id: 'step-1' } as TimelineItem)
  })

  it('should show open issues nearby instead of saving, with distance, description and time', async () => {
    vi.mocked(api.nearbyOpenIssues).mockResolvedValue([nearby])
    const { wrapper } = await mountInApp(ReportView)
    await fillReport(wrapper)

    await submit(wrapper)

    expect(api.nearbyOpenIssues).toHaveBeenCalledWith('work_safety', 34.8612, 113.6021)
    expect(api.createReport, 'the leader decides first').not.toHaveBeenCalled()
    const item = wrapper.find(sel('duplicate-item'))
    expect(item.find(sel('duplicate-distance')).text()).toBe('相距约 23 米')
    expect(item.text()).toContain('楼道堆放电动车电池，正在充电')
    expect(item.text()).toContain('6月1日 09:30 上报')
    expect(item.text()).toContain('已派遣')
  })

  it('should add the description, photos and position to the chosen issue as a note', async () => {
    vi.mocked(api.nearbyOpenIssues).mockResolvedValue([nearby])
    vi.mocked(api.importPhoto).mockResolvedValue(photo)
    const { wrapper } = await mountInApp(ReportView)
    await fillReport(wrapper)
    const input = wrapper.find(sel('report-photo-input'))
    Object.defineProperty(input.element, 'files', { value: [new File(['x'], 'a.jpg')] })
    await input.trigger('change')
    await flushPromises()
    await submit(wrapper)

    await wrapper.find(sel('duplicate-supplement')).trigger('click')
    await flushPromises()

    expect(api.takeStep).toHaveBeenCalledWith({
      issueId: 'issue-7',
      kind: 'note',
      note: '电动车在楼道里充电',
      photos: [photo.sha256],
      position: { lat: 34.8612, lon: 113.6021, accuracyM: null, source: 'manual' },
    })
    expect(api.createReport, 'no second report of the same problem').not.toHaveBeenCalled()
    expect((wrapper.find(sel('report-description')).element as HTMLTextAreaElement).value).toBe('')
  })

  it('should file a new report anyway when the leader says it is a different problem', async () => {
    vi.mocked(api.nearbyOpenIssues).mockResolvedValue([nearby])
    const { wrapper, router } = await mountInApp(ReportView)
    await fillReport(wrapper)
    await submit(wrapper)

    await wrapper.find(sel('duplicate-create-anyway')).trigger('click')
    await flushPromises()

    expect(api.createReport).toHaveBeenCalledTimes(1)
    expect(api.takeStep).not.toHaveBeenCalled()
    expect(router.currentRoute.value.name).toBe('my-reports')
  })

  it('should keep the form when adding to the issue fails, and say why', async () => {
    vi.mocked(api.nearbyOpenIssues).mockResolvedValue([nearby])
    vi.mocked(api.takeStep).mockRejectedValue(new AppError('storage', 'disk'))
    const { wrapper } = await mountInApp(ReportView)
    await fillReport(wrapper)
    await submit(wrapper)

    await wrapper.find(sel('duplicate-supplement')).trigger('click')
    await flushPromises()

    expect(document.body.textContent).toContain('手机存储出错，请检查剩余空间')
    expect((wrapper.find(sel('report-description')).element as HTMLTextAreaElement).value).toBe(
      '电动车在楼道里充电',
    )
  })

  it('should save straight away when nothing open is nearby', async () => {
    vi.mocked(api.nearbyOpenIssues).mockResolvedValue([])
    const { wrapper } = await mountInApp(ReportView)
    await fillReport(wrapper)

    await submit(wrapper)

    expect(wrapper.find(sel('duplicate-item')).exists()).toBe(false)
    expect(api.createReport).toHaveBeenCalledTimes(1)
  })

  it('should not look for duplicates without a position, nor let a failed look stop the report', async () => {
    const { wrapper } = await mountInApp(ReportView)
    await fillReport(wrapper, false)
    await submit(wrapper)
    expect(api.nearbyOpenIssues).not.toHaveBeenCalled()
    expect(api.createReport).toHaveBeenCalledTimes(1)

    vi.mocked(api.nearbyOpenIssues).mockRejectedValue(new AppError('storage', 'io'))
    await fillReport(wrapper)
    await submit(wrapper)

    expect(api.createReport).toHaveBeenCalledTimes(2)
  })
})

describe('ReportView: sub-category and subject', () => {
  beforeEach(() => {
    vi.mocked(api.createReport).mockResolvedValue(created)
    vi.mocked(api.syncState).mockResolvedValue(syncStateWith())
    vi.mocked(api.nearbyOpenIssues).mockResolvedValue([])
  })

  afterEach(() => vi.useRealTimers())

  it('should offer the four sub-categories of the chosen domain and clear them on a change', async () => {
    const { wrapper } = await mountInApp(ReportView)
    expect(wrapper.find(sel('report-subcategories')).exists()).toBe(false)

    await wrapper.find(sel('report-domain-work_safety')).trigger('click')
    const labels = wrapper.findAll('[data-test^="report-subcategory-"]').map((b) => b.text())
    expect(labels).toEqual(['消防隐患', '燃气安全', '电动车违规充电', '建筑施工安全'])
    await wrapper.find(sel('report-subcategory-ebike_charging')).trigger('click')

    await wrapper.find(sel('report-domain-public_service')).trigger('click')

    expect(wrapper.find(sel('report-subcategory-ebike_charging')).exists()).toBe(false)
    expect(wrapper.find('[aria-pressed="true"][data-test^="report-subcategory-"]').exists()).toBe(
      false,
    )
  })

  it('should send the sub-category and the household found by search', async () => {
    vi.useFakeTimers()
    const hit: Hit = {
      kind: 'household',
      id: 'hh-9',
      title: '金梭路 12 号院 3 号楼 501',
      subtitle: '户主 张伟华',
      matched: 'address',
      quality: 'substring',
      movedOut: false,
    }
    vi.mocked(api.searchRegistry).mockResolvedValue([hit])
    const { wrapper } = await mountInApp(ReportView)
    await fillReport(wrapper, false)
    await wrapper.find(sel('report-subcategory-fire_hazard')).trigger('click')

    await wrapper.find(sel('report-subject-search')).setValue('金梭路')
    await vi.advanceTimersByTimeAsync(300)
    await flushPromises()
    await wrapper.find(sel('report-subject-hit')).trigger('click')
    expect(wrapper.find(sel('report-subject-picked')).text()).toContain('金梭路 12 号院 3 号楼 501')
    vi.useRealTimers()
    await submit(wrapper)

    expect(api.searchRegistry).toHaveBeenCalledWith('金梭路', 24)
    expect(vi.mocked(api.createReport).mock.calls[0]![0]).toMatchObject({
      subcategory: 'fire_hazard',
      subject: { entity: 'household', id: 'hh-9' },
    })
  })

  it('should start from a prefill handed over by a visit', async () => {
    const { wrapper } = await mountInApp(ReportView)

    prefillReport({
      description: '院内电线私拉乱接',
      photos: [photo],
      position: { lat: 34.86, lon: 113.6, accuracyM: 12, source: 'device' },
      subject: { entity: 'household', id: 'hh-9', title: '金梭路 12 号院', subtitle: '' },
    })
    await flushPromises()

    const text = wrapper.find(sel('report-description')).element as HTMLTextAreaElement
    expect(text.value).toBe('院内电线私拉乱接')
    expect(wrapper.findAll(sel('report-photo-thumb'))).toHaveLength(1)
    expect(wrapper.find(sel('report-position-summary')).text()).toBe('34.860000, 113.600000')
    expect(wrapper.text()).toContain('设备定位')
    expect(wrapper.find(sel('report-subject-picked')).text()).toContain('金梭路 12 号院')
  })
})
