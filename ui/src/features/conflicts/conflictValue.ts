/**
 * How a conflicting value reads to the leader: labels for codes, masked numbers, and
 * a word for an empty value, in the app's language.
 */
import { maskNumber } from '../registry/people'

type Translate = (key: string) => string

/** Fields whose values are vocabulary codes, and the message group naming them. */
const LABELLED: Record<string, string> = {
  gender: 'genders',
  relation: 'relations',
  care_tags: 'careTags',
}

/** Personal numbers: the full form is shown only through reveal, which is recorded. */
const MASKED = new Set(['citizen_id', 'phone'])

export function describeValue(
  field: string,
  value: unknown,
  t: Translate,
  absolute: (ms: number) => string,
): string {
  if (value === null || value === undefined || value === '') return t('conflicts.blank')
  if (Array.isArray(value)) {
    if (value.length === 0) return t('conflicts.blank')
    return value.map((item) => describeValue(field, item, t, absolute)).join('、')
  }
  if (MASKED.has(field) && typeof value === 'string') return maskNumber(value)
  const group = LABELLED[field]
  if (group && typeof value === 'string') return t(`${group}.${value}`)
  if (field === 'moved_out_at_ms' && typeof value === 'number') return absolute(value)
  return String(value)
}
