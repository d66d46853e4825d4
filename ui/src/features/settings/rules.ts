/**
 * What the settings screens check before asking the core, so a mistake is named next
 * to the field in the leader's language. The core checks again and has the last word.
 */

export const RADIUS_MIN_M = 10
export const RADIUS_MAX_M = 1000
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

/** An example of a tile address, shown in the placeholder. */
export const TILE_URL_EXAMPLE = 'http://10.0.0.1/tiles/{z}/{x}/{y}.png'

/** Empty means "no tiles"; otherwise an http(s) address with {z}, {x} and {y}. */
export function tileUrlOk(text: string): boolean {
  const url = text.trim()
  if (url === '') return true
  return /^https?:\/\/\S+$/i.test(url) && ['{z}', '{x}', '{y}'].every((part) => url.includes(part))
}

/** The radius typed, in metres, or null when it is not a number from 10 to 1000. */
export function parseRadius(text: string): number | null {
  const trimmed = text.trim()
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null
  const value = Number(trimmed)
  return value >= RADIUS_MIN_M && value <= RADIUS_MAX_M ? value : null
}

export type PasswordProblem =
  'passwordMissing' | 'passwordTooShort' | 'passwordMismatch' | 'passwordSame'

/** The first thing wrong with a password change, as a `settings.*` message key. */
export function passwordProblem(
  current: string,
  next: string,
  repeat: string,
): PasswordProblem | null {
  if (current === '' || next === '') return 'passwordMissing'
  const length = [...next].length
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) return 'passwordTooShort'
  if (next !== repeat) return 'passwordMismatch'
  if (next === current) return 'passwordSame'
  return null
}

/** Sizes as phones show them: 812 KB, 3.4 MB. Units are the same in every language. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}
