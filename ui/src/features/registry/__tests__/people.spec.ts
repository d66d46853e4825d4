import { describe, expect, it } from 'vitest'

import { ageOn, fromCitizenId, maskNumber } from '../people'

describe('ageOn', () => {
  it('should count whole years, turning over on the birthday itself', () => {
    expect(ageOn('1980-05-17', new Date(2026, 4, 16))).toBe(45)
    expect(ageOn('1980-05-17', new Date(2026, 4, 17))).toBe(46)
  })

  it('should give no age for text that is not a date', () => {
    expect(ageOn('1980/05/17')).toBeNull()
    expect(ageOn('')).toBeNull()
  })
})

describe('maskNumber', () => {
  it('should keep the region and the last four of an ID number, and 3+4 of a phone', () => {
    expect(maskNumber('11010519491231002X')).toBe('110105********002X')
    expect(maskNumber('13800138000')).toBe('138****8000')
  })

  it('should star a number too short to keep ends of', () => {
    expect(maskNumber('1234')).toBe('****')
  })
})

describe('fromCitizenId', () => {
  it('should read birth date and gender, also from full-width digits', () => {
    expect(fromCitizenId('11010519491231002X')).toEqual({
      birthDate: '1949-12-31',
      gender: 'female',
    })
    expect(fromCitizenId('１１０１０５１９８００５１７００１５')).toEqual({
      birthDate: '1980-05-17',
      gender: 'male',
    })
  })

  it('should read nothing from an incomplete number', () => {
    expect(fromCitizenId('1101051949')).toBeNull()
  })
})
