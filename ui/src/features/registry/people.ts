/**
 * Small rules about people in the registry, kept apart from the screens so they can be
 * tested with plain values.
 */
import type { Gender } from '@/types'

/** Whole years from a `YYYY-MM-DD` birth date to `now`; null for a date that is not one. */
export function ageOn(birthDate: string, now: Date = new Date()): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate)
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  let age = now.getFullYear() - year
  const beforeBirthday =
    now.getMonth() + 1 < month || (now.getMonth() + 1 === month && now.getDate() < day)
  if (beforeBirthday) age--
  return age >= 0 ? age : null
}

/**
 * Stars out the middle of an ID or phone number, as the core does in its lists: for
 * the few places a full number reaches the UI without the leader asking (a conflict
 * between two edits of it).
 */
export function maskNumber(raw: string): string {
  const chars = [...raw]
  const [head, tail] = chars.length === 18 ? [6, 4] : [3, 4]
  if (chars.length <= head + tail) return '*'.repeat(chars.length)
  return (
    chars.slice(0, head).join('') +
    '*'.repeat(chars.length - head - tail) +
    chars.slice(-tail).join('')
  )
}

/** Folds full-width digits and letters (what Chinese keyboards type) to ASCII. */
function foldWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
}

/**
 * Birth date and gender an 18-character ID number states (GB 11643: digits 7–14 are
 * the date, the 17th is odd for men). Only read from a number the core found valid.
 */
export function fromCitizenId(id: string): { birthDate: string; gender: Gender } | null {
  const digits = foldWidth(id).replace(/\s/g, '')
  const match = /^\d{6}(\d{4})(\d{2})(\d{2})\d{2}(\d)[\dXx]$/.exec(digits)
  if (!match) return null
  const [, y, m, d, order] = match
  return {
    birthDate: `${y}-${m}-${d}`,
    gender: Number(order) % 2 === 1 ? 'male' : 'female',
  }
}
