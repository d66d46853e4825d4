import { describe, expect, it } from 'vitest'

import { distanceParts, formatClock } from '../format'

describe('patrol figures', () => {
  it('should show elapsed time as a clock, with hours only once there are any', () => {
    expect(formatClock(0)).toBe('0:00')
    expect(formatClock(307_000)).toBe('5:07')
    expect(formatClock(3_907_000)).toBe('1:05:07')
    expect(formatClock(-5), 'a clock set back never shows negative time').toBe('0:00')
  })

  it('should show metres under a kilometre and kilometres with two decimals above', () => {
    expect(distanceParts(849.6)).toEqual({ unit: 'meters', n: '850' })
    expect(distanceParts(1234)).toEqual({ unit: 'kilometers', n: '1.23' })
  })
})
