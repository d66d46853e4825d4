import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

import { useAppI18n } from '@/i18n'

import { dateParts, deadlineState, elapsedSince, type Span } from './time'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Tone of a deadline, used for colour: overdue is red, due within a day is orange. */
export type DeadlineTone = 'none' | 'ok' | 'soon' | 'overdue'

/**
 * Localized renderings of times: "3 分钟前", "12月4日 16:05", "剩余 1 天 3 小时". The
 * year is left out for dates in the current year, as people write them.
 */
export function useTimeFormat() {
  const { t } = useAppI18n()

  function absolute(ms: number, nowMs: number = Date.now()): string {
    const parts = dateParts(ms)
    const named = { ...parts, mon: MONTHS[parts.monthIndex] ?? '' }
    const sameYear = parts.y === new Date(nowMs).getFullYear()
    return sameYear ? t('time.shortDate', named) : t('time.fullDate', named)
  }

  function relative(ms: number, nowMs: number): string {
    const elapsed = elapsedSince(ms, nowMs)
    switch (elapsed.unit) {
      case 'justNow':
        return t('time.justNow')
      case 'minutes':
        return t('time.minutesAgo', elapsed.count)
      case 'hours':
        return t('time.hoursAgo', elapsed.count)
      case 'days':
        return t('time.daysAgo', elapsed.count)
    }
  }

  /** The two largest non-zero units, enough to act on and short enough for a phone. */
  function span(value: Span): string {
    const parts: string[] = []
    if (value.days > 0) parts.push(t('time.days', value.days))
    if (value.hours > 0) parts.push(t('time.hours', value.hours))
    if (value.days === 0 && value.minutes > 0) parts.push(t('time.minutes', value.minutes))
    return parts.length > 0 ? parts.join(' ') : t('time.underMinute')
  }

  function deadline(
    deadlineAtMs: number | null,
    nowMs: number,
  ): { text: string; tone: DeadlineTone } {
    const state = deadlineState(deadlineAtMs, nowMs)
    if (state.kind === 'none') {
      return { text: t('tasks.noDeadline'), tone: 'none' }
    }
    const due = t('tasks.deadline', { time: absolute(state.deadlineAtMs, nowMs) })
    const left =
      state.kind === 'overdue'
        ? t('tasks.overdue', { span: span(state.span) })
        : t('tasks.timeLeft', { span: span(state.span) })
    return { text: `${due} · ${left}`, tone: state.kind }
  }

  return { absolute, relative, span, deadline }
}

/** The current time, refreshed every `periodMs` so relative times and deadlines move on. */
export function useNow(periodMs = 30_000): Ref<number> {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now()), periodMs)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
