import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { signIn, signOut } from '@/session/session'
import { mountInApp } from '@/testing/mount'
import type { Notice, Session } from '@/types'

import NoticesView from '../NoticesView.vue'
import { markTasksSeen, refreshNotices, unreadNotices } from '../noticeStore'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`
const Blank = { render: () => null }

const leader = { account: 'wgz0103', displayName: '王芳' } as Session
const notice = (kind: Notice['kind'], unread: boolean, issueId = `i-${kind}`): Notice => ({
  kind,
  issueId,
  description: `事项 ${kind}`,
  deadlineAtMs:
    kind === 'deadline_soon' ? new Date(new Date().getFullYear(), 6, 2, 18, 0).getTime() : null,
  unread,
})

describe('notices', () => {
  beforeEach(async () => {
    vi.mocked(api.login).mockResolvedValue(leader)
    await signIn('http://127.0.0.1:8787', 'wgz0103', 'secret')
  })

  afterEach(async () => {
    vi.mocked(api.logout).mockResolvedValue()
    await signOut()
  })

  it('should count only unread notices for the badge', async () => {
    vi.mocked(api.notices).mockResolvedValue([
      notice('deadline_soon', true),
      notice('new_task', true),
      notice('returned', false),
    ])

    await refreshNotices()

    expect(unreadNotices.value).toBe(2)
  })

  it('should clear the badge once the tasks screen has been seen', async () => {
    vi.mocked(api.notices).mockResolvedValueOnce([notice('new_task', true)])
    await refreshNotices()
    expect(unreadNotices.value).toBe(1)
    vi.mocked(api.notices).mockResolvedValueOnce([])

    await markTasksSeen()

    expect(api.markTasksSeen).toHaveBeenCalledTimes(1)
    expect(unreadNotices.value).toBe(0)
  })

  it('should list notices with their kind in Chinese and open the task on a tap', async () => {
    vi.mocked(api.notices).mockResolvedValue([
      notice('deadline_soon', true, 'i-9'),
      notice('returned', false),
    ])
    const { wrapper, router } = await mountInApp(NoticesView)
    router.addRoute({ path: '/tasks/:id', name: 'task', component: Blank })
    await flushPromises()

    const items = wrapper.findAll(sel('notice-item'))
    expect(items.map((item) => item.find('.notice__kind').text())).toEqual(['即将到期', '被退回'])
    expect(items[0]!.text()).toContain('期限 7月2日 18:00')
    expect(items[0]!.attributes('data-unread')).toBe('true')
    await items[0]!.trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.fullPath).toBe('/tasks/i-9')
  })

  it('should say there is nothing new', async () => {
    vi.mocked(api.notices).mockResolvedValue([])

    const { wrapper } = await mountInApp(NoticesView)
    await flushPromises()

    expect(wrapper.find(sel('notices-empty')).text()).toContain('没有新消息')
  })
})
