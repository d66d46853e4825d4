import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { mountInApp } from '@/testing/mount'
import type { PhotoInfo, ReportItem } from '@/types'

import ReportView from '../ReportView.vue'

vi.mock('@/api')

const created: ReportItem = {
  id: 'r-1',
  domain: 'work_safety',
  focusTag: null,
  description: '液化气罐堆放',
  status: 'reported',
  reportedAtMs: 0,
  receivedAtMs: null,
  acceptedAtMs: null,
  sync: 'pending',
  syncError: null,
  position: null,
  photos: [],
}

const sel = (name: string) => `[data-test="${name}"]`

async function submit(wrapper: VueWrapper): Promise<void> {
  await wrapper.find(sel('report-submit')).trigger('click')
  await flushPromises()
}

function errorText(wrapper: VueWrapper): string {
  const error = wrapper.find(sel('report-error'))
  return error.exists() ? error.text() : ''
}

async function choose(wrapper: VueWrapper, files: File[]): Promise<void> {
  const input = wrapper.find(sel('report-photo-input'))
  Object.defineProperty(input.element, 'files', { value: files, configurable: true })
  await input.trigger('change')
  await flushPromises()
}

describe('ReportView', () => {
  beforeEach(() => {
    vi.mocked(api.createReport).mockResolvedValue(created)
    vi.mocked(api.nearbyOpenIssues).mockResolvedValue([])
    vi.mocked(api.syncState).mockResolvedValue({
      pending: 1,
      rejected: 0,
      lastSyncAtMs: null,
      lastError: null,
      syncing: false,
      clockOffsetMs: null,
      clockSuspect: false,
    })
  })

  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('should refuse to submit without a domain and say so in Chinese', async () => {
    const { wrapper } = await mountInApp(ReportView)

    await submit(wrapper)

    expect(errorText(wrapper)).toBe('请选择事件类别')
    expect(api.createReport).not.toHaveBeenCalled()
  })

  it('should refuse to submit a blank description once a domain is chosen', async () => {
    const { wrapper } = await mountInApp(ReportView)
    await wrapper.find(sel('report-domain-work_safety')).trigger('click')
    await wrapper.find(sel('report-description')).setValue('   \n ')

    await submit(wrapper)

    expect(errorText(wrapper)).toBe('请填写问题描述')
    expect(api.createReport).not.toHaveBeenCalled()
  })

  it('should reject latitude 91 with a message and block the submit', async () => {
    const { wrapper } = await mountInApp(ReportView)
    await wrapper.find(sel('report-domain-work_safety')).trigger('click')
    await wrapper.find(sel('report-description')).setValue('液化气罐堆放')

    await wrapper.find(sel('report-lat')).setValue('91')
    await wrapper.find(sel('report-lon')).setValue('113.6')
    await submit(wrapper)

    expect(wrapper.text()).toContain('纬度应为 -90 到 90 之间的小数')
    expect(errorText(wrapper)).toBe('位置不正确，请检查纬度和经度')
    expect(api.createReport).not.toHaveBeenCalled()
  })

  it('should warn, without blocking, when the position lies outside the grid', async () => {
    vi.mocked(api.positionInGrid).mockResolvedValue(false)
    const { wrapper } = await mountInApp(ReportView)

    await wrapper.find(sel('report-lat')).setValue('60.267464')
    await wrapper.find(sel('report-lon')).setValue('8.771132')
    await flushPromises()

    expect(wrapper.find(sel('report-position-outside')).text()).toContain('不在本网格内')
    expect(api.positionInGrid).toHaveBeenLastCalledWith(60.267464, 8.771132)
  })

  it('should not warn when the position lies inside the grid', async () => {
    vi.mocked(api.positionInGrid).mockResolvedValue(true)
    const { wrapper } = await mountInApp(ReportView)

    await wrapper.find(sel('report-lat')).setValue('34.86')
    await wrapper.find(sel('report-lon')).setValue('113.6')
    await flushPromises()

    expect(wrapper.find(sel('report-position-outside')).exists()).toBe(false)
  })

  it('should accept latitude 34.86 and show it with six decimals', async () => {
    const { wrapper } = await mountInApp(ReportView)

    await wrapper.find(sel('report-lat')).setValue('34.86')
    await wrapper.find(sel('report-lon')).setValue('113.6')

    expect(wrapper.find(sel('report-position-summary')).text()).toBe('34.860000, 113.600000')
    expect(wrapper.text()).not.toContain('纬度应为')
  })

  it('should send numbers, not strings, for the coordinates and then open My reports', async () => {
    const { wrapper, router } = await mountInApp(ReportView)
    await wrapper.find(sel('report-domain-illegal_construction')).trigger('click')
    await wrapper.find(sel('report-focus-urban_management')).trigger('click')
    await wrapper.find(sel('report-description')).setValue('  院内加盖彩钢房  ')
    await wrapper.find(sel('report-lat')).setValue('34.86')
    await wrapper.find(sel('report-lon')).setValue('113.6')

    await submit(wrapper)

    expect(api.createReport).toHaveBeenCalledTimes(1)
    const report = vi.mocked(api.createReport).mock.calls[0]![0]
    expect(report).toEqual({
      domain: 'illegal_construction',
      focusTag: 'urban_management',
      subcategory: null,
      subject: null,
      description: '院内加盖彩钢房',
      position: { lat: 34.86, lon: 113.6, accuracyM: null, source: 'manual' },
      photos: [],
    })
    expect(typeof report.position?.lat).toBe('number')
    expect(typeof report.position?.lon).toBe('number')
    expect(router.currentRoute.value.name).toBe('my-reports')
  })

  it('should show the localized reason when the core refuses the report', async () => {
    vi.mocked(api.createReport).mockRejectedValue(new AppError('storage', 'disk full'))
    const { wrapper } = await mountInApp(ReportView)
    await wrapper.find(sel('report-domain-work_safety')).trigger('click')
    await wrapper.find(sel('report-description')).setValue('液化气罐堆放')

    await submit(wrapper)

    expect(errorText(wrapper)).toBe('手机存储出错，请检查剩余空间')
  })

  it('should treat a device answer of 0,0 as no fix and suggest the alternatives', async () => {
    vi.stubGlobal('navigator', {
      geolocation: {
        getCurrentPosition: (ok: PositionCallback) =>
          ok({ coords: { latitude: 0, longitude: 0, accuracy: 0 } } as GeolocationPosition),
      },
    })
    const { wrapper } = await mountInApp(ReportView)

    await wrapper.find(sel('report-use-device-position')).trigger('click')
    await flushPromises()

    expect(wrapper.find(sel('report-no-fix')).text()).toContain('暂时无法获取设备定位')
    expect(wrapper.find(sel('report-position-summary')).text()).toBe('未设置位置')
  })

  it('should fill the position from the device with its accuracy', async () => {
    vi.stubGlobal('navigator', {
      geolocation: {
        getCurrentPosition: (ok: PositionCallback) =>
          ok({
            coords: { latitude: 34.8612341, longitude: 113.5987652, accuracy: 17.6 },
          } as GeolocationPosition),
      },
    })
    const { wrapper } = await mountInApp(ReportView)

    await wrapper.find(sel('report-use-device-position')).trigger('click')
    await flushPromises()

    expect(wrapper.find(sel('report-position-summary')).text()).toBe('34.861234, 113.598765')
    expect(wrapper.text()).toContain('设备定位')
    expect(wrapper.text()).toContain('精度约 18 米')
  })

  it('should import a chosen photo as bytes, show its thumbnail and offer its position', async () => {
    const info: PhotoInfo = {
      sha256: 'f'.repeat(64),
      width: 4000,
      height: 3000,
      bytes: 4,
      exifPosition: { lat: 34.858123, lon: 113.604455 },
      takenAt: '2025-11-28 10:12:00',
      url: 'photo://f',
    }
    vi.mocked(api.importPhoto).mockResolvedValue(info)
    const { wrapper } = await mountInApp(ReportView)
    const usePhoto = () => wrapper.find(sel('report-use-photo-position'))
    expect(usePhoto().attributes('disabled')).toBeDefined()

    await choose(wrapper, [new File([new Uint8Array([1, 2, 3, 4])], '现场.jpg')])

    const [bytes, name] = vi.mocked(api.importPhoto).mock.calls[0]!
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4])
    expect(name).toBe('现场.jpg')
    expect(wrapper.findAll(sel('report-photo-thumb'))).toHaveLength(1)
    await usePhoto().trigger('click')
    expect(wrapper.find(sel('report-position-summary')).text()).toBe('34.858123, 113.604455')
  })

  it('should explain in Chinese why a HEIC photo was refused', async () => {
    vi.mocked(api.importPhoto).mockRejectedValue(new AppError('photo_unsupported', 'heic'))
    const { wrapper } = await mountInApp(ReportView)

    await choose(wrapper, [new File([new Uint8Array([0])], 'IMG_0001.HEIC')])

    expect(wrapper.find(sel('report-photo-error')).text()).toContain(
      'IMG_0001.HEIC：不支持这种图片格式',
    )
    expect(wrapper.findAll(sel('report-photo-thumb'))).toHaveLength(0)
  })
})
