import { describe, expect, it } from 'vitest'

import { deadlineState, elapsedSince, splitDuration } from '../time'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const now = new Date(2025, 11, 4, 16, 0).getTime()

describe('splitDuration', () => {
  it('should cut a duration into whole days, hours and minutes', () => {
    expect(splitDuration(2 * DAY + 3 * HOUR + 59 * MIN + 59_000)).toEqual({
      days: 2,
      hours: 3,
      minutes: 59,
    })
  })

  it('should never give negative parts', () => {
    expect(splitDuration(-5 * MIN)).toEqual({ days: 0, hours: 0, minutes: 0 })
  })
})

describe('deadlineState', () => {
  it('should say none when a task has no deadline', () => {
    expect(deadlineState(null, now)).toEqual({ kind: 'none' })
  })

  it('should count time left for a deadline more than a day away', () => {
    expect(deadlineState(now + 3 * DAY + 2 * HOUR, now)).toMatchObject({
      kind: 'ok',
      span: { days: 3, hours: 2, minutes: 0 },
    })
  })

  it('should mark a deadline within 24 hours as soon', () => {
    expect(deadlineState(now + 23 * HOUR, now)).toMatchObject({ kind: 'soon' })
  })

  it('should mark a passed deadline overdue and count the time over', () => {
    expect(deadlineState(now - 5 * HOUR - 10 * MIN, now)).toMatchObject({
      kind: 'overdue',
      span: { days: 0, hours: 5, minutes: 10 },
    })
  })

  it('should not call a deadline overdue at the very minute it falls due', () => {
    expect(deadlineState(now, now).kind).toBe('soon')
  })
})

describe('elapsedSince', () => {
  it('should pick the largest unit that fits', () => {
    expect(elapsedSince(now - 30_000, now)).toEqual({ unit: 'justNow' })
    expect(elapsedSince(now - 7 * MIN, now)).toEqual({ unit: 'minutes', count: 7 })
    expect(elapsedSince(now - 5 * HOUR, now)).toEqual({ unit: 'hours', count: 5 })
    expect(elapsedSince(now - 2 * DAY - HOUR, now)).toEqual({ unit: 'days', count: 2 })
  })

  it('should treat a time in the future (clock skew) as just now', () => {
    expect(elapsedSince(now + 10 * MIN, now)).toEqual({ unit: 'justNow' })
  })
})
