import { describe, expect, it } from 'vitest'

import type { IssueStatus, TaskItem } from '@/types'

import { isOverdue, sortTasks } from '../order'

const HOUR = 3_600_000
const now = Date.UTC(2026, 11, 4, 8)

function task(
  id: string,
  deadlineAtMs: number | null,
  status: IssueStatus = 'dispatched',
): TaskItem {
  return {
    id,
    domain: 'public_service',
    description: id,
    status,
    source: 'hotline_12345',
    address: null,
    reportedAtMs: now - 48 * HOUR,
    deadlineAtMs,
    position: null,
    photos: [],
  }
}

const ids = (tasks: TaskItem[]) => tasks.map((t) => t.id)

describe('sortTasks', () => {
  it('should put overdue tasks first, then the soonest deadline, then those without one', () => {
    const tasks = [
      task('none', null),
      task('in-3-days', now + 72 * HOUR),
      task('overdue-1h', now - HOUR),
      task('in-2-hours', now + 2 * HOUR),
      task('overdue-2d', now - 48 * HOUR),
    ]

    const sorted = sortTasks(tasks)

    expect(ids(sorted)).toEqual(['overdue-2d', 'overdue-1h', 'in-2-hours', 'in-3-days', 'none'])
  })

  it('should put what waits on the district after what waits on the grid, and finished work last', () => {
    const tasks = [
      task('closed', now - 100 * HOUR, 'closed'),
      task('handled', now - 50 * HOUR, 'handled'),
      task('supervised', now + 5 * HOUR, 'supervised'),
      task('escalated', now - 60 * HOUR, 'escalated'),
      task('returned', null, 'returned'),
    ]

    const sorted = sortTasks(tasks)

    expect(ids(sorted)).toEqual(['supervised', 'returned', 'escalated', 'handled', 'closed'])
  })

  it('should order tasks with the same deadline by when they were reported', () => {
    const older = { ...task('older', now + HOUR), reportedAtMs: now - 10 * HOUR }
    const newer = { ...task('newer', now + HOUR), reportedAtMs: now - HOUR }

    expect(ids(sortTasks([newer, older]))).toEqual(['older', 'newer'])
  })

  it('should leave the input array as it was', () => {
    const tasks = [task('b', null), task('a', now)]

    sortTasks(tasks)

    expect(ids(tasks)).toEqual(['b', 'a'])
  })
})

describe('isOverdue', () => {
  it('should count a passed deadline only while the next step is the grid leader’s', () => {
    expect(isOverdue(task('x', now - HOUR, 'handling'), now)).toBe(true)
    expect(isOverdue(task('x', now - HOUR, 'supervised'), now)).toBe(true)
    expect(isOverdue(task('x', now - HOUR, 'handled'), now), 'handled waits on the district').toBe(
      false,
    )
    expect(isOverdue(task('x', now + HOUR, 'dispatched'), now)).toBe(false)
    expect(isOverdue(task('x', null, 'dispatched'), now)).toBe(false)
  })
})
