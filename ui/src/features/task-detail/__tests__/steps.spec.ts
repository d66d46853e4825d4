import { describe, expect, it } from 'vitest'

import { leaderSteps } from '../steps'

describe('leaderSteps', () => {
  it('should offer the steps the lifecycle allows the grid leader from each status', () => {
    expect(leaderSteps('dispatched')).toEqual(['start', 'escalate', 'note'])
    expect(leaderSteps('handling')).toEqual(['handle', 'escalate', 'note'])
    expect(leaderSteps('returned')).toEqual(['start', 'escalate', 'note'])
    expect(leaderSteps('supervised')).toEqual(['start', 'handle', 'escalate', 'note'])
  })

  it('should leave only a note once the work is with the district or done', () => {
    for (const status of ['handled', 'escalated', 'verified', 'closed'] as const) {
      expect(leaderSteps(status), status).toEqual(['note'])
    }
  })
})
