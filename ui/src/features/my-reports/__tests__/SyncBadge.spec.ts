import { describe, expect, it } from 'vitest'

import { mountInApp } from '@/testing/mount'
import type { ReportItem } from '@/types'

import ReportCard from '../ReportCard.vue'
import SyncBadge from '../SyncBadge.vue'

type BadgeInput = Pick<ReportItem, 'sync' | 'receivedAtMs' | 'syncError'>

const receivedAt = new Date(new Date().getFullYear(), 2, 5, 9, 7).getTime()

async function badge(report: BadgeInput, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const { wrapper } = await mountInApp(SyncBadge, { props: { report }, locale })
  return wrapper
}

describe('SyncBadge', () => {
  it('should show 待同步 for a report still in the outbox', async () => {
    const wrapper = await badge({ sync: 'pending', receivedAtMs: null, syncError: null })

    expect(wrapper.attributes('data-sync')).toBe('pending')
    expect(wrapper.text()).toBe('待同步')
  })

  it('should show 已同步 with the time the relay received it', async () => {
    const wrapper = await badge({ sync: 'synced', receivedAtMs: receivedAt, syncError: null })

    expect(wrapper.attributes('data-sync')).toBe('synced')
    expect(wrapper.text()).toContain('已同步')
    expect(wrapper.find('[data-test="my-report-received"]').text()).toBe(
      '服务器已接收 3月5日 09:07',
    )
  })

  it('should show 被拒绝 with the localized reason, not the English message', async () => {
    const wrapper = await badge({
      sync: 'rejected',
      receivedAtMs: null,
      syncError: { code: 'position_invalid', message: 'lat out of range' },
    })

    expect(wrapper.attributes('data-sync')).toBe('rejected')
    expect(wrapper.text()).toContain('被拒绝')
    expect(wrapper.text()).toContain('原因：位置不正确，请检查纬度和经度')
    expect(wrapper.text()).not.toContain('lat out of range')
  })

  it('should name an unknown rejection code rather than hide it', async () => {
    const wrapper = await badge({
      sync: 'rejected',
      receivedAtMs: null,
      syncError: { code: 'grid_mismatch', message: '' },
    })

    expect(wrapper.text()).toContain('错误代码：grid_mismatch')
  })

  it('should speak English when the app does', async () => {
    const wrapper = await badge({ sync: 'synced', receivedAtMs: receivedAt, syncError: null }, 'en')

    expect(wrapper.text()).toContain('Synced')
    expect(wrapper.text()).toContain('Relay received Mar 5, 09:07')
  })
})

describe('ReportCard', () => {
  it('should expose id, sync and status for the end-to-end tests', async () => {
    const report: ReportItem = {
      id: 'r-42',
      domain: 'public_service',
      focusTag: null,
      description: '路灯不亮',
      status: 'accepted',
      reportedAtMs: receivedAt,
      receivedAtMs: receivedAt,
      acceptedAtMs: null,
      sync: 'synced',
      syncError: null,
      position: null,
      photos: [{ sha256: 'a', url: 'photo://a' }],
    }

    const { wrapper } = await mountInApp(ReportCard, { props: { report } })

    const item = wrapper.find('[data-test="my-report-item"]')
    expect(item.attributes()).toMatchObject({
      'data-id': 'r-42',
      'data-sync': 'synced',
      'data-status': 'accepted',
    })
    expect(item.find('[data-test="my-report-sync"]').text()).toContain('已同步')
    expect(item.text()).toContain('公共服务')
    expect(item.text()).toContain('已受理')
    expect(item.find('img').attributes('src')).toBe('photo://a')
  })
})

describe('ReportCard receipts', () => {
  const acceptedAt = new Date(new Date().getFullYear(), 2, 5, 10, 42).getTime()
  const synced = (acceptedAtMs: number | null): ReportItem => ({
    id: 'r-43',
    domain: 'work_safety',
    focusTag: null,
    description: '消防通道堆放杂物',
    status: acceptedAtMs === null ? 'reported' : 'dispatched',
    reportedAtMs: receivedAt,
    receivedAtMs: receivedAt,
    acceptedAtMs,
    sync: 'synced',
    syncError: null,
    position: null,
    photos: [],
  })

  it('should show both receipts: the relay received it at T and the district accepted it at T', async () => {
    const { wrapper } = await mountInApp(ReportCard, { props: { report: synced(acceptedAt) } })

    expect(wrapper.find('[data-test="my-report-received"]').text()).toBe(
      '服务器已接收 3月5日 09:07',
    )
    expect(wrapper.find('[data-test="my-report-accepted"]').text()).toBe(
      '区平台已受理 3月5日 10:42',
    )
  })

  it('should say it waits for the district once the relay has it', async () => {
    const { wrapper } = await mountInApp(ReportCard, { props: { report: synced(null) } })

    expect(wrapper.find('[data-test="my-report-accepted"]').text()).toBe('等待区平台受理')
  })

  it('should show no district receipt while the report is still on the phone', async () => {
    const report = { ...synced(null), sync: 'pending' as const, receivedAtMs: null }

    const { wrapper } = await mountInApp(ReportCard, { props: { report } })

    expect(wrapper.find('[data-test="my-report-received"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="my-report-accepted"]').exists()).toBe(false)
  })

  it('should name both receipts in English', async () => {
    const { wrapper } = await mountInApp(ReportCard, {
      props: { report: synced(acceptedAt) },
      locale: 'en',
    })

    expect(wrapper.text()).toContain('Relay received Mar 5, 09:07')
    expect(wrapper.text()).toContain('District accepted Mar 5, 10:42')
  })
})
