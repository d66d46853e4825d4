import { describe, expect, it } from 'vitest'

import {
  fitView,
  fromScreen,
  panBy,
  pointInRing,
  tileUrl,
  toScreen,
  visibleTiles,
  zoomAround,
} from '../projection'

/** A small grid near Huiji, [lat, lon]. */
const ring: [number, number][] = [
  [34.86, 113.6],
  [34.86, 113.61],
  [34.87, 113.61],
  [34.87, 113.6],
]

describe('map projection', () => {
  it('should fit every point inside the screen, keeping the padding', () => {
    const view = fitView(ring, 360, 480, 24)

    for (const [lat, lon] of ring) {
      const p = toScreen(view, lat, lon)
      expect(p.x).toBeGreaterThanOrEqual(23.9)
      expect(p.x).toBeLessThanOrEqual(336.1)
      expect(p.y).toBeGreaterThanOrEqual(23.9)
      expect(p.y).toBeLessThanOrEqual(456.1)
    }
  })

  it('should put north up and east right', () => {
    const view = fitView(ring, 360, 480)

    const southWest = toScreen(view, 34.86, 113.6)
    const northEast = toScreen(view, 34.87, 113.61)

    expect(northEast.x).toBeGreaterThan(southWest.x)
    expect(northEast.y).toBeLessThan(southWest.y)
  })

  it('should bring a screen point back to the same place within a centimetre', () => {
    const view = fitView(ring, 360, 480)
    const p = toScreen(view, 34.8651234, 113.6043211)

    const back = fromScreen(view, p)

    expect(Math.abs(back.lat - 34.8651234)).toBeLessThan(1e-7)
    expect(Math.abs(back.lon - 113.6043211)).toBeLessThan(1e-7)
  })

  it('should keep the point under the finger still when zooming around it', () => {
    const view = fitView(ring, 360, 480)
    const at = { x: 100, y: 150 }
    const before = fromScreen(view, at)

    const after = fromScreen(zoomAround(view, 1.5, at), at)

    expect(after.lat).toBeCloseTo(before.lat, 9)
    expect(after.lon).toBeCloseTo(before.lon, 9)
  })

  it('should move the map with a drag', () => {
    const view = fitView(ring, 360, 480)
    const p = toScreen(view, 34.865, 113.605)

    const moved = toScreen(panBy(view, 30, -20), 34.865, 113.605)

    expect(moved.x - p.x).toBeCloseTo(30, 6)
    expect(moved.y - p.y).toBeCloseTo(-20, 6)
  })

  it('should cover the screen with tiles whose numbers match the slippy-map scheme', () => {
    const view = { ...fitView(ring, 360, 480), zoom: 15 }

    const tiles = visibleTiles(view)

    // The centre, 34.865 N 113.605 E, at zoom 15: tile x 26724, y 12994 of the standard scheme.
    const centre = tiles.find((tile) => tile.x === 26724 && tile.y === 12994 && tile.z === 15)
    expect(centre, 'the centre tile is among those drawn').toBeDefined()
    expect(centre!.left).toBeLessThanOrEqual(180)
    expect(centre!.left + centre!.size).toBeGreaterThanOrEqual(180)
    expect(centre!.top).toBeLessThanOrEqual(240)
    expect(centre!.top + centre!.size).toBeGreaterThanOrEqual(240)
    const left = Math.min(...tiles.map((tile) => tile.left))
    const right = Math.max(...tiles.map((tile) => tile.left + tile.size))
    expect(left).toBeLessThanOrEqual(0)
    expect(right).toBeGreaterThanOrEqual(360)
    expect(tileUrl('http://10.0.0.1/{z}/{x}/{y}.png', tiles[0]!)).toMatch(
      /^http:\/\/10\.0\.0\.1\/15\/\d+\/\d+\.png$/,
    )
  })

  it('should tell inside from outside of a polygon', () => {
    const square = [
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 10, y: 10 },
      { x: 0, y: 10 },
    ]

    expect(pointInRing({ x: 5, y: 5 }, square)).toBe(true)
    expect(pointInRing({ x: 15, y: 5 }, square)).toBe(false)
  })
})
