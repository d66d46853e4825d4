import { describe, expect, it } from 'vitest'

import { mountInApp } from '@/testing/mount'
import type { TaskItem } from '@/types'

import TaskCard from '../TaskCard.vue'

const MIN = 60_000
const HOUR = 60 * MIN
const now = new Date(new Date().getFullYear(), 11, 4, 16, 0).getTime()

const task = (deadlineAtMs: number | null): TaskItem => ({
  id: 't-1',
  domain: 'public_service',
  description: '路灯连续一周不亮',
  status: 'dispatched',
  source: 'hotline_12345',
  address: '3 号楼前',
  reportedAtMs: now - 80 * HOUR,
  deadlineAtMs,
  position: null,
  photos: [],
})

async function deadlineOf(deadlineAtMs: number | null, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const { wrapper } = await mountInApp(TaskCard, {
    props: { task: task(deadlineAtMs), now },
    locale,
  })
  return wrapper.find('[data-test="task-deadline"]')
}

describe('TaskCard deadline', () => {
  it('should show an overdue task in red with how long it is over', async () => {
    const deadline = await deadlineOf(now - 5 * HOUR)

    expect(deadline.text()).toBe('期限 12月4日 11:00 · 已超期 5 小时')
    expect(deadline.attributes('data-tone')).toBe('overdue')
    expect(deadline.classes()).toContain('task-card__deadline--overdue')
  })

  it('should show time left in days and hours when the deadline is far', async () => {
    const deadline = await deadlineOf(now + 3 * 24 * HOUR + 2 * HOUR + 30 * MIN)

    expect(deadline.text()).toBe('期限 12月7日 18:30 · 剩余 3 天 2 小时')
    expect(deadline.attributes('data-tone')).toBe('ok')
  })

  it('should show hours and minutes and warn when due within a day', async () => {
    const deadline = await deadlineOf(now + 8 * HOUR + 59 * MIN)

    expect(deadline.text()).toBe('期限 12月5日 00:59 · 剩余 8 小时 59 分钟')
    expect(deadline.attributes('data-tone')).toBe('soon')
  })

  it('should say so when there is no deadline', async () => {
    const deadline = await deadlineOf(null)

    expect(deadline.text()).toBe('无办理期限')
    expect(deadline.attributes('data-tone')).toBe('none')
  })

  it('should pluralize in English', async () => {
    expect((await deadlineOf(now - 1 * HOUR, 'en')).text()).toBe(
      'Due Dec 4, 15:00 · Overdue by 1 hour',
    )
    expect((await deadlineOf(now + 2 * HOUR, 'en')).text()).toBe('Due Dec 4, 18:00 · 2 hours left')
  })

  it('should carry id, status and the labels of source and domain', async () => {
    const { wrapper } = await mountInApp(TaskCard, { props: { task: task(null), now } })

    const item = wrapper.find('[data-test="task-item"]')
    expect(item.attributes('data-id')).toBe('t-1')
    expect(item.attributes('data-status')).toBe('dispatched')
    expect(item.find('[data-test="task-description"]').text()).toBe('路灯连续一周不亮')
    expect(item.text()).toContain('12345热线')
    expect(item.text()).toContain('公共服务')
    expect(item.text()).toContain('已派遣')
  })
})

describe('TaskCard marks', () => {
  it('should mark an overdue task that waits on the grid', async () => {
    const { wrapper } = await mountInApp(TaskCard, {
      props: { task: task(now - 2 * HOUR), now },
    })

    const item = wrapper.find('[data-test="task-item"]')
    expect(item.attributes('data-overdue')).toBe('true')
    expect(wrapper.find('[data-test="task-overdue"]').text()).toBe('已超期')
    expect(item.classes()).toContain('task-card--overdue')
  })

  it('should not call a handled task overdue, and show only its deadline date', async () => {
    const handled = { ...task(now - 2 * HOUR), status: 'handled' as const }

    const { wrapper } = await mountInApp(TaskCard, { props: { task: handled, now } })

    expect(wrapper.find('[data-test="task-overdue"]').exists()).toBe(false)
    const deadline = wrapper.find('[data-test="task-deadline"]')
    expect(deadline.text()).toBe('期限 12月4日 14:00')
    expect(deadline.attributes('data-tone')).toBe('none')
  })

  it('should make a supervised task stand out with its own mark and colour', async () => {
    const supervised = { ...task(now + 30 * HOUR), status: 'supervised' as const }

    const { wrapper } = await mountInApp(TaskCard, { props: { task: supervised, now } })

    const item = wrapper.find('[data-test="task-item"]')
    expect(item.attributes('data-supervised')).toBe('true')
    expect(item.classes()).toContain('task-card--supervised')
    expect(item.text()).toContain('督办')
    expect(item.text()).toContain('督办中')
  })

  it('should ask to open the task when tapped', async () => {
    const { wrapper } = await mountInApp(TaskCard, { props: { task: task(null), now } })

    await wrapper.find('[data-test="task-item"]').trigger('click')

    expect(wrapper.emitted('open')?.[0]?.[0]).toMatchObject({ id: 't-1' })
  })
})
