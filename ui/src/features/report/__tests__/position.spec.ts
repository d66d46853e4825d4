import { describe, expect, it } from 'vitest'

import type { PhotoInfo } from '@/types'

import { parseCoordinate, photoFix, readDraft, type PositionDraft } from '../position'

const draft = (latText: string, lonText: string): PositionDraft => ({
  latText,
  lonText,
  accuracyM: null,
  source: 'manual',
})

const photo = (exifPosition: PhotoInfo['exifPosition'], sha256 = 'a'): PhotoInfo => ({
  sha256,
  width: 1,
  height: 1,
  bytes: 1,
  exifPosition,
  takenAt: null,
  url: '',
})

describe('parseCoordinate', () => {
  it('should accept a latitude within ±90 as a number', () => {
    expect(parseCoordinate('34.86', 'lat')).toBe(34.86)
    expect(parseCoordinate(' -90 ', 'lat')).toBe(-90)
  })

  it('should reject a latitude beyond 90', () => {
    expect(parseCoordinate('91', 'lat')).toBeNull()
    expect(parseCoordinate('-90.000001', 'lat')).toBeNull()
  })

  it('should accept longitudes up to ±180 but not beyond', () => {
    expect(parseCoordinate('113.6', 'lon')).toBe(113.6)
    expect(parseCoordinate('180.5', 'lon')).toBeNull()
  })

  it('should reject a decimal comma, blanks and other non-decimal text', () => {
    for (const text of ['34,86', '', '  ', 'abc', '1e2', '0x1F', 'Infinity', '34.8.6']) {
      expect(parseCoordinate(text, 'lat'), `"${text}" is not a coordinate`).toBeNull()
    }
  })
})

describe('foldCoordinateText', () => {
  it('should read full-width digits and a Chinese full stop as a plain decimal', () => {
    expect(parseCoordinate('３４。８６', 'lat')).toBe(34.86)
    expect(parseCoordinate('－１１３．６', 'lon')).toBe(-113.6)
  })
})

describe('readDraft', () => {
  it('should read two empty inputs as no position at all', () => {
    expect(readDraft(draft('', ''))).toEqual({ kind: 'empty' })
  })

  it('should give a numeric position for valid text', () => {
    expect(readDraft(draft('34.86', '113.6'))).toEqual({
      kind: 'valid',
      position: { lat: 34.86, lon: 113.6, accuracyM: null, source: 'manual' },
    })
  })

  it('should flag only the coordinate that is out of range', () => {
    expect(readDraft(draft('91', '113.6'))).toMatchObject({
      kind: 'invalid',
      latBad: true,
      lonBad: false,
    })
  })

  it('should refuse a half-filled pair', () => {
    expect(readDraft(draft('34.86', ''))).toMatchObject({ kind: 'invalid', incomplete: true })
  })

  it('should refuse exactly 0,0, the stub answer for no fix', () => {
    expect(readDraft(draft('0', '0'))).toMatchObject({ kind: 'invalid', zero: true })
  })
})

describe('photoFix', () => {
  it('should take the latest photo that has a real position', () => {
    const photos = [
      photo({ lat: 34.1, lon: 113.1 }, 'a'),
      photo({ lat: 34.2, lon: 113.2 }, 'b'),
      photo(null, 'c'),
    ]

    expect(photoFix(photos)).toEqual({ lat: 34.2, lon: 113.2, accuracyM: null })
  })

  it('should ignore photos whose position is 0,0', () => {
    expect(photoFix([photo({ lat: 0, lon: 0 })])).toBeNull()
  })
})
