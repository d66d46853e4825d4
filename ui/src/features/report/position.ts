/**
 * Rules for the report's position, apart from any screen so they can be tested alone.
 * Coordinates are WGS-84 decimal degrees and always cross to the core as numbers.
 * Exactly 0,0 is what position stubs report when they have nothing, so it is never
 * taken as a real place (Null Island is not in anyone's grid).
 */
import type { PhotoInfo, Position, PositionSource } from '@/types'

/** What the position inputs hold while the leader edits them. */
export interface PositionDraft {
  latText: string
  lonText: string
  accuracyM: number | null
  source: PositionSource
}

export interface Fix {
  lat: number
  lon: number
  accuracyM: number | null
}

export const EMPTY_DRAFT: PositionDraft = {
  latText: '',
  lonText: '',
  accuracyM: null,
  source: 'manual',
}

const LIMITS = { lat: 90, lon: 180 } as const

/** Plain decimal notation only: no exponents, hex, or thousands separators. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/**
 * Chinese keyboards type full-width digits and signs, and 。 or ． for a point; they
 * mean the same plain decimal. A comma stays an error: 34,9 could be either notation.
 */
export function foldCoordinateText(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19\uFF0B\uFF0D]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[。．]/g, '.')
    .replace(/\u3000/g, ' ')
}

/** The coordinate typed in `text`, or null when it is not a number within range. */
export function parseCoordinate(text: string, axis: 'lat' | 'lon'): number | null {
  const trimmed = foldCoordinateText(text).trim()
  if (!DECIMAL.test(trimmed)) return null
  const value = Number(trimmed)
  if (Number.isNaN(value) || Math.abs(value) > LIMITS[axis]) return null
  return value
}

export function isNoFix(lat: number, lon: number): boolean {
  return lat === 0 && lon === 0
}

export type DraftReading =
  | { kind: 'empty' }
  | { kind: 'invalid'; latBad: boolean; lonBad: boolean; incomplete: boolean; zero: boolean }
  | { kind: 'valid'; position: Position }

/** Reads the draft as the form will submit it. */
export function readDraft(draft: PositionDraft): DraftReading {
  const latEmpty = draft.latText.trim() === ''
  const lonEmpty = draft.lonText.trim() === ''
  if (latEmpty && lonEmpty) return { kind: 'empty' }

  const lat = latEmpty ? null : parseCoordinate(draft.latText, 'lat')
  const lon = lonEmpty ? null : parseCoordinate(draft.lonText, 'lon')
  const latBad = !latEmpty && lat === null
  const lonBad = !lonEmpty && lon === null
  if (lat === null || lon === null || isNoFix(lat, lon)) {
    const incomplete = latEmpty !== lonEmpty
    return { kind: 'invalid', latBad, lonBad, incomplete, zero: lat === 0 && lon === 0 }
  }
  return { kind: 'valid', position: { lat, lon, accuracyM: draft.accuracyM, source: draft.source } }
}

export function formatCoordinate(value: number): string {
  return value.toFixed(6)
}

/** A draft filled from a fix, as if the leader had typed its six-decimal rendering. */
export function draftFromFix(fix: Fix, source: PositionSource): PositionDraft {
  return {
    latText: formatCoordinate(fix.lat),
    lonText: formatCoordinate(fix.lon),
    accuracyM: fix.accuracyM,
    source,
  }
}

/** The position of the most recently added photo that has a real one. */
export function photoFix(photos: readonly PhotoInfo[]): Fix | null {
  for (let i = photos.length - 1; i >= 0; i--) {
    const where = photos[i]?.exifPosition
    if (where && !isNoFix(where.lat, where.lon)) {
      return { lat: where.lat, lon: where.lon, accuracyM: null }
    }
  }
  return null
}
