import { describe, expect, it } from 'vitest'

import { toWire } from '../useRowForm'

describe('toWire', () => {
  it('should send counts and coordinates as numbers, also when typed full-width', () => {
    expect(toWire({ name: 'members', kind: 'count' }, '３')).toBe(3)
    expect(toWire({ name: 'lat', kind: 'decimal' }, '３４。８１')).toBe(34.81)
    expect(toWire({ name: 'lon', kind: 'decimal' }, '-113.5')).toBe(-113.5)
  })

  it('should pass malformed numbers as typed, so the core names what is wrong', () => {
    expect(toWire({ name: 'members', kind: 'count' }, '3 人')).toBe('3 人')
    expect(toWire({ name: 'lat', kind: 'decimal' }, '34,8')).toBe('34,8')
  })

  it('should treat blank text as no value and keep lists as they are', () => {
    expect(toWire({ name: 'phone', kind: 'text' }, '  ')).toBeNull()
    expect(toWire({ name: 'care_tags', kind: 'tags' }, ['veteran'])).toEqual(['veteran'])
  })
})
