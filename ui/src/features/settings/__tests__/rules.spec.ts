import { describe, expect, it } from 'vitest'

import { formatBytes, parseRadius, passwordProblem, tileUrlOk } from '../rules'

describe('settings rules', () => {
  it('should take an empty tile URL (no tiles) or an http(s) one with {z}, {x} and {y}', () => {
    expect(tileUrlOk('')).toBe(true)
    expect(tileUrlOk('https://tiles.example/{z}/{x}/{y}.png')).toBe(true)
    expect(tileUrlOk('http://10.0.0.1/{z}/{x}.png'), 'no {y}').toBe(false)
    expect(tileUrlOk('ftp://10.0.0.1/{z}/{x}/{y}.png')).toBe(false)
    expect(tileUrlOk('10.0.0.1/{z}/{x}/{y}.png')).toBe(false)
  })

  it('should take a radius from 10 to 1000 metres only', () => {
    expect(parseRadius('100')).toBe(100)
    expect(parseRadius(' 10 ')).toBe(10)
    expect(parseRadius('1000')).toBe(1000)
    expect(parseRadius('9')).toBeNull()
    expect(parseRadius('1001')).toBeNull()
    expect(parseRadius('1e2')).toBeNull()
    expect(parseRadius('')).toBeNull()
  })

  it('should name the first thing wrong with a password change', () => {
    expect(passwordProblem('', 'newpass123', 'newpass123')).toBe('passwordMissing')
    expect(passwordProblem('old-pass1', 'short', 'short')).toBe('passwordTooShort')
    expect(passwordProblem('old-pass1', 'newpass123', 'newpass124')).toBe('passwordMismatch')
    expect(passwordProblem('newpass123', 'newpass123', 'newpass123')).toBe('passwordSame')
    expect(passwordProblem('old-pass1', 'newpass123', 'newpass123')).toBeNull()
  })

  it('should show sizes in the units phones use', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(812 * 1024)).toBe('812 KB')
    expect(formatBytes(3.4 * 1024 * 1024)).toBe('3.4 MB')
  })
})
