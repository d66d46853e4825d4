/**
 * The steps a grid leader may take on a task, by its status. This mirrors the
 * lifecycle table the core and the relay enforce, only to decide which buttons to
 * show: the core still refuses a step that does not apply (`step_not_allowed`).
 */
import type { IssueStatus, LeaderStep } from '@/types'

const ALLOWED_FROM: Record<Exclude<LeaderStep, 'note'>, readonly IssueStatus[]> = {
  start: ['dispatched', 'returned', 'supervised'],
  handle: ['handling', 'supervised'],
  escalate: ['dispatched', 'handling', 'returned', 'supervised'],
}

/** In the order the buttons are shown; a note can always be added. */
export function leaderSteps(status: IssueStatus): LeaderStep[] {
  const steps: LeaderStep[] = []
  for (const kind of ['start', 'handle', 'escalate'] as const) {
    if (ALLOWED_FROM[kind].includes(status)) steps.push(kind)
  }
  steps.push('note')
  return steps
}
