/**
 * Time arithmetic for the screens, kept free of i18n so it can be tested with plain
 * numbers. Everything is in the phone's local time zone, which for our leaders is
 * China Standard Time; the core sends epoch milliseconds.
 */

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/** A task due within this window is shown as urgent before it is overdue. */
export const DUE_SOON_MS = DAY_MS

/** A non-negative duration cut into whole days, hours and minutes (rounded down). */
export interface Span {
  days: number
  hours: number
  minutes: number
}

export function splitDuration(ms: number): Span {
  const total = Math.max(0, Math.floor(ms / MINUTE_MS))
  return {
    days: Math.floor(total / (24 * 60)),
    hours: Math.floor(total / 60) % 24,
    minutes: total % 60,
  }
}

export type DeadlineState =
  { kind: 'none' } | { kind: 'ok' | 'soon' | 'overdue'; span: Span; deadlineAtMs: number }

/** Where a task stands against its deadline at `nowMs`; `span` is time left or time over. */
export function deadlineState(deadlineAtMs: number | null, nowMs: number): DeadlineState {
  if (deadlineAtMs === null) {
    return { kind: 'none' }
  }
  const left = deadlineAtMs - nowMs
  if (left < 0) {
    return { kind: 'overdue', span: splitDuration(-left), deadlineAtMs }
  }
  return { kind: left < DUE_SOON_MS ? 'soon' : 'ok', span: splitDuration(left), deadlineAtMs }
}

export type Elapsed = { unit: 'justNow' } | { unit: 'minutes' | 'hours' | 'days'; count: number }

/** How long ago `thenMs` was, in the largest unit that fits; the future counts as now. */
export function elapsedSince(thenMs: number, nowMs: number): Elapsed {
  const ago = nowMs - thenMs
  if (ago < MINUTE_MS) {
    return { unit: 'justNow' }
  }
  if (ago < HOUR_MS) {
    return { unit: 'minutes', count: Math.floor(ago / MINUTE_MS) }
  }
  if (ago < DAY_MS) {
    return { unit: 'hours', count: Math.floor(ago / HOUR_MS) }
  }
  return { unit: 'days', count: Math.floor(ago / DAY_MS) }
}

/** Calendar fields of an instant in local time, zero-padded where a clock pads them. */
export interface DateParts {
  y: number
  m: number
  d: number
  /** 0-based month index, for month names. */
  monthIndex: number
  hh: string
  mm: string
}

export function dateParts(ms: number): DateParts {
  const date = new Date(ms)
  return {
    y: date.getFullYear(),
    m: date.getMonth() + 1,
    d: date.getDate(),
    monthIndex: date.getMonth(),
    hh: String(date.getHours()).padStart(2, '0'),
    mm: String(date.getMinutes()).padStart(2, '0'),
  }
}
