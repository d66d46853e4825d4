/**
 * Which tasks come first. The leader works down the list: what waits on the grid,
 * most urgent first (overdue, then the nearest deadline, then those without one);
 * then what waits on the district (handled, escalated); then what is finished.
 */
import type { IssueStatus, TaskItem } from '@/types'

/** Statuses in which the next step is the grid leader's. */
const ON_THE_GRID: readonly IssueStatus[] = [
  'reported',
  'accepted',
  'dispatched',
  'handling',
  'returned',
  'supervised',
]
const WITH_THE_DISTRICT: readonly IssueStatus[] = ['handled', 'escalated']

/** 0: the grid must act; 1: the district must; 2: finished. */
export function stage(status: IssueStatus): 0 | 1 | 2 {
  if (ON_THE_GRID.includes(status)) return 0
  if (WITH_THE_DISTRICT.includes(status)) return 1
  return 2
}

/** Whether a deadline still binds the grid: only while the next step is the grid's. */
export function awaitsGrid(task: TaskItem): boolean {
  return stage(task.status) === 0
}

export function isOverdue(task: TaskItem, nowMs: number): boolean {
  return awaitsGrid(task) && task.deadlineAtMs !== null && task.deadlineAtMs < nowMs
}

/** A new array in working order; the input is left alone. */
export function sortTasks(tasks: readonly TaskItem[]): TaskItem[] {
  return [...tasks].sort((a, b) => {
    const byStage = stage(a.status) - stage(b.status)
    if (byStage !== 0) return byStage
    // Soonest deadline first, which puts the most overdue first; none at all last.
    const da = a.deadlineAtMs ?? Number.POSITIVE_INFINITY
    const db = b.deadlineAtMs ?? Number.POSITIVE_INFINITY
    if (da !== db) return da < db ? -1 : 1
    return a.reportedAtMs - b.reportedAtMs
  })
}
