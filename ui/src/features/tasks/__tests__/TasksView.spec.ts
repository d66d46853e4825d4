import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { stopSyncPolling } from '@/sync/syncStore'
import type { TaskItem } from '@/types'

import { mountScreen } from '../../lists/testing'
import TasksView from '../TasksView.vue'

vi.mock('@/api')

const HOUR = 3_600_000

function task(id: string, deadlineAtMs: number | null): TaskItem {
  return {
    id,
    domain: 'illegal_business',
    description: `事项 ${id}`,
    status: 'dispatched',
    source: 'hotline_12345',
    address: null,
    reportedAtMs: Date.now() - 10 * HOUR,
    deadlineAtMs,
    position: null,
    photos: [],
  }
}

describe('TasksView', () => {
  afterEach(() => stopSyncPolling())

  it('should list tasks by time left, overdue first, whatever order the core sent', async () => {
    vi.mocked(api.gridTasks).mockResolvedValue([
      task('later', Date.now() + 50 * HOUR),
      task('none', null),
      task('overdue', Date.now() - 3 * HOUR),
      task('soon', Date.now() + 2 * HOUR),
    ])

    const { wrapper } = await mountScreen(TasksView, { path: '/tasks' })
    await flushPromises()

    const order = wrapper.findAll('[data-test="task-item"]').map((el) => el.attributes('data-id'))
    expect(order).toEqual(['overdue', 'soon', 'later', 'none'])
  })

  it('should open the task detail when a task is tapped', async () => {
    vi.mocked(api.gridTasks).mockResolvedValue([task('t-9', null)])
    const { wrapper, router } = await mountScreen(TasksView, { path: '/tasks' })
    await flushPromises()

    await wrapper.find('[data-test="task-item"]').trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.name).toBe('task')
    expect(router.currentRoute.value.params.id).toBe('t-9')
  })

  it('should say so when nothing is assigned, and offer a retry when loading fails', async () => {
    vi.mocked(api.gridTasks).mockRejectedValueOnce(new AppError('storage', 'disk'))
    vi.mocked(api.gridTasks).mockResolvedValue([])
    const { wrapper } = await mountScreen(TasksView, { path: '/tasks' })
    await flushPromises()

    expect(wrapper.find('[data-test="load-error"]').text()).toContain('手机存储出错')

    await wrapper.find('[data-test="load-error"] button').trigger('click')
    await flushPromises()

    expect(wrapper.find('[data-test="tasks-empty"]').text()).toContain('暂无交办事项')
  })
})
