/** Numbers of a patrol as a phone shows them; kept apart from i18n so tests are plain. */

/** Elapsed time as a clock: 5:07, 1:05:07. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor(total / 60) % 60
  const seconds = total % 60
  const mmss = `${String(minutes).padStart(hours > 0 ? 2 : 1, '0')}:${String(seconds).padStart(2, '0')}`
  return hours > 0 ? `${hours}:${mmss}` : mmss
}

/** Metres under a kilometre, kilometres with two decimals above. */
export function distanceParts(metres: number): { unit: 'meters' | 'kilometers'; n: string } {
  if (metres < 1000) return { unit: 'meters', n: String(Math.round(metres)) }
  return { unit: 'kilometers', n: (metres / 1000).toFixed(2) }
}
