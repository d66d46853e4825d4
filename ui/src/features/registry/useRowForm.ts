import { computed, reactive, ref } from 'vue'

import * as api from '@/api'
import { useAppI18n, useErrorText } from '@/i18n'
import type { Entity, FieldCheck, RowFields } from '@/types'

/** How a field is typed and sent. */
export interface FieldSpec {
  /** The core's snake_case field name. */
  name: string
  kind: 'text' | 'count' | 'decimal' | 'tags'
  required?: boolean
  /**
   * A number the core only gives masked (ID, phone): the edit form starts it empty and
   * an empty field means "keep the current one".
   */
  secret?: boolean
}

export type FormValue = string | string[]

/** The gap between the last keystroke and the check, so fast typing sends one check. */
export const CHECK_DELAY_MS = 120

/** Full-width digits, signs and points, as Chinese keyboards type them, made ASCII. */
function fold(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[。．]/g, '.')
    .trim()
}

/** The value as the core takes it; `null` for a field left empty. */
export function toWire(spec: FieldSpec, value: FormValue): string | number | string[] | null {
  if (Array.isArray(value)) return value
  if (value.trim() === '') return null
  if (spec.kind === 'count') {
    const digits = fold(value)
    return /^\d+$/.test(digits) ? Number(digits) : value
  }
  if (spec.kind === 'decimal') {
    const number = fold(value)
    return /^[+-]?\d+(\.\d+)?$/.test(number) ? Number(number) : value
  }
  return value
}

function same(a: FormValue, b: FormValue): boolean {
  return Array.isArray(a) && Array.isArray(b)
    ? a.length === b.length && a.every((x) => b.includes(x))
    : a === b
}

/**
 * The state of an add or edit form over one registry entity. Every field is checked by
 * the core as it is typed (the same rules the relay applies), so a wrong ID number is
 * pointed out, with the expected check character, before the leader moves on.
 */
export function useRowForm(
  entity: Entity,
  specs: readonly FieldSpec[],
  initial: Record<string, FormValue>,
  editing: boolean,
) {
  const { t } = useAppI18n()
  const errorText = useErrorText()

  const values = reactive<Record<string, FormValue>>({ ...initial })
  const start = ref<Record<string, FormValue>>({ ...initial })
  const checks = reactive<Record<string, FieldCheck | undefined>>({})
  const touched = reactive<Record<string, boolean>>({})
  const attempted = ref(false)
  const sequence: Record<string, number> = {}
  const timers: Record<string, ReturnType<typeof setTimeout>> = {}

  const specOf = (name: string): FieldSpec => {
    const spec = specs.find((s) => s.name === name)
    if (!spec) throw new Error(`no field ${name} in the form`)
    return spec
  }

  /** Whether an empty value means "nothing to check": optional, or a kept secret. */
  function emptyAllowed(spec: FieldSpec): boolean {
    return !spec.required || (editing && spec.secret === true)
  }

  async function check(name: string): Promise<void> {
    const spec = specOf(name)
    const wire = toWire(spec, values[name] ?? '')
    const mine = (sequence[name] = (sequence[name] ?? 0) + 1)
    if (wire === null) {
      checks[name] = undefined
      return
    }
    try {
      const answer = await api.checkField(entity, name, wire)
      if (sequence[name] === mine) checks[name] = answer
    } catch {
      // A failed check is no verdict; saving checks again.
      if (sequence[name] === mine) checks[name] = undefined
    }
  }

  /** Sets a field as the leader types it and checks it shortly after. */
  function set(name: string, value: FormValue): void {
    values[name] = value
    touched[name] = true
    clearTimeout(timers[name])
    timers[name] = setTimeout(() => void check(name), CHECK_DELAY_MS)
  }

  /** Sets a field and checks it now (choices and tags, which are not typed). */
  function choose(name: string, value: FormValue): Promise<void> {
    values[name] = value
    touched[name] = true
    return check(name)
  }

  const errors = computed<Record<string, string>>(() => {
    const out: Record<string, string> = {}
    for (const spec of specs) {
      const shown = touched[spec.name] || attempted.value
      const value = values[spec.name] ?? ''
      if (toWire(spec, value) === null) {
        if (shown && !emptyAllowed(spec)) out[spec.name] = t('rowForm.required')
        continue
      }
      const answer = checks[spec.name]
      if (!answer || answer.ok || !answer.code) continue
      out[spec.name] = answer.expectedCheckChar
        ? t('rowForm.expectedCheckChar', {
            error: errorText({ code: answer.code }),
            char: answer.expectedCheckChar,
          })
        : errorText({ code: answer.code })
    }
    return out
  })

  /** The fields to send: all filled ones for a new row, only the changed ones for an edit. */
  function changes(): RowFields {
    const out: RowFields = {}
    for (const spec of specs) {
      const value = values[spec.name] ?? ''
      const wire = toWire(spec, value)
      if (editing) {
        if (same(value, start.value[spec.name] ?? '')) continue
        if (wire === null && spec.secret) continue
      } else if (wire === null) {
        continue
      }
      out[spec.name] = wire
    }
    return out
  }

  /**
   * Checks every field again (a check may still be waiting on its delay) and answers the
   * fields to save, or null when something must be corrected first.
   */
  async function validate(): Promise<RowFields | null> {
    attempted.value = true
    for (const name of Object.keys(timers)) clearTimeout(timers[name])
    await Promise.all(specs.map((spec) => check(spec.name)))
    return Object.keys(errors.value).length === 0 ? changes() : null
  }

  /** Starts over from `next` (an edit form once its row has loaded). */
  function load(next: Record<string, FormValue>): void {
    Object.assign(values, next)
    start.value = { ...next }
  }

  return { values, checks, errors, set, choose, validate, load, attempted }
}
