/**
 * The map's own projection: Web Mercator, the one slippy-map tiles are cut in, so the
 * same arithmetic places the grid drawing on a plain background and over raster tiles.
 * World coordinates are pixels of the whole world at zoom 0 (0..256 on each axis); a
 * view says which world point sits at the centre of the screen and at what zoom.
 * Everything here works on display coordinates: WGS-84, or GCJ-02 when the tiles are
 * drawn in it (the caller converts before and after).
 */

export const TILE_SIZE = 256
export const MIN_ZOOM = 2
export const MAX_ZOOM = 19
/** Mercator is undefined at the poles; tiles stop here. */
const MAX_LAT = 85.05112878

export interface WorldPoint {
  x: number
  y: number
}

export interface ScreenPoint {
  x: number
  y: number
}

export interface View {
  /** World point (zoom 0 pixels) at the centre of the screen. */
  center: WorldPoint
  /** Fractional zoom: one world pixel is 2^zoom screen pixels. */
  zoom: number
  width: number
  height: number
}

export function toWorld(lat: number, lon: number): WorldPoint {
  const clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat))
  const sin = Math.sin((clamped * Math.PI) / 180)
  return {
    x: ((lon + 180) / 360) * TILE_SIZE,
    y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * TILE_SIZE,
  }
}

export function fromWorld(point: WorldPoint): { lat: number; lon: number } {
  const lon = (point.x / TILE_SIZE) * 360 - 180
  const n = Math.PI - (2 * Math.PI * point.y) / TILE_SIZE
  const lat = (180 / Math.PI) * Math.atan(Math.sinh(n))
  return { lat, lon }
}

export function toScreen(view: View, lat: number, lon: number): ScreenPoint {
  const world = toWorld(lat, lon)
  const scale = 2 ** view.zoom
  return {
    x: (world.x - view.center.x) * scale + view.width / 2,
    y: (world.y - view.center.y) * scale + view.height / 2,
  }
}

export function fromScreen(view: View, point: ScreenPoint): { lat: number; lon: number } {
  const scale = 2 ** view.zoom
  return fromWorld({
    x: view.center.x + (point.x - view.width / 2) / scale,
    y: view.center.y + (point.y - view.height / 2) / scale,
  })
}

export function clampZoom(zoom: number): number {
  return Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, zoom))
}

/**
 * The view that shows every point with `padding` screen pixels to spare. A single
 * point (or none) gets a street-level zoom around it, or around `fallback`.
 */
export function fitView(
  points: readonly (readonly [number, number])[],
  width: number,
  height: number,
  padding = 24,
  fallback: readonly [number, number] = [34.75, 113.62],
): View {
  const world = (points.length > 0 ? points : [fallback]).map(([lat, lon]) => toWorld(lat, lon))
  const xs = world.map((p) => p.x)
  const ys = world.map((p) => p.y)
  const minX = Math.min(...xs)
  const maxX = Math.max(...xs)
  const minY = Math.min(...ys)
  const maxY = Math.max(...ys)
  const spanX = maxX - minX
  const spanY = maxY - minY
  const center = { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }
  if (spanX === 0 && spanY === 0) return { center, zoom: 16, width, height }
  const usableW = Math.max(width - 2 * padding, 1)
  const usableH = Math.max(height - 2 * padding, 1)
  const scale = Math.min(
    spanX > 0 ? usableW / spanX : Infinity,
    spanY > 0 ? usableH / spanY : Infinity,
  )
  return { center, zoom: clampZoom(Math.log2(scale)), width, height }
}

/** The view zoomed by `delta` around a screen point, which stays where it is. */
export function zoomAround(view: View, delta: number, at: ScreenPoint): View {
  const zoom = clampZoom(view.zoom + delta)
  const before = 2 ** view.zoom
  const after = 2 ** zoom
  const worldX = view.center.x + (at.x - view.width / 2) / before
  const worldY = view.center.y + (at.y - view.height / 2) / before
  return {
    ...view,
    zoom,
    center: {
      x: worldX - (at.x - view.width / 2) / after,
      y: worldY - (at.y - view.height / 2) / after,
    },
  }
}

/** The view moved so the map follows a drag of (dx, dy) screen pixels. */
export function panBy(view: View, dx: number, dy: number): View {
  const scale = 2 ** view.zoom
  return { ...view, center: { x: view.center.x - dx / scale, y: view.center.y - dy / scale } }
}

export interface Tile {
  z: number
  x: number
  y: number
  /** Screen position and edge length of the tile image. */
  left: number
  top: number
  size: number
}

/** The tiles covering the view, at the integer zoom nearest to it, scaled to fit. */
export function visibleTiles(view: View): Tile[] {
  const z = Math.round(clampZoom(view.zoom))
  const count = 2 ** z
  const size = TILE_SIZE * 2 ** (view.zoom - z)
  const scale = 2 ** view.zoom
  const worldLeft = view.center.x - view.width / 2 / scale
  const worldTop = view.center.y - view.height / 2 / scale
  const worldRight = view.center.x + view.width / 2 / scale
  const worldBottom = view.center.y + view.height / 2 / scale
  const perTile = TILE_SIZE / count
  const tiles: Tile[] = []
  for (let ty = Math.floor(worldTop / perTile); ty <= Math.floor(worldBottom / perTile); ty++) {
    if (ty < 0 || ty >= count) continue
    for (let tx = Math.floor(worldLeft / perTile); tx <= Math.floor(worldRight / perTile); tx++) {
      tiles.push({
        z,
        x: ((tx % count) + count) % count,
        y: ty,
        left: (tx * perTile - worldLeft) * scale,
        top: (ty * perTile - worldTop) * scale,
        size,
      })
    }
  }
  return tiles
}

/** A tile's address from a `{z}/{x}/{y}` template. */
export function tileUrl(template: string, tile: Pick<Tile, 'z' | 'x' | 'y'>): string {
  return template
    .replaceAll('{z}', String(tile.z))
    .replaceAll('{x}', String(tile.x))
    .replaceAll('{y}', String(tile.y))
}

/** Even-odd rule; `ring` is a closed or open list of screen points. */
export function pointInRing(point: ScreenPoint, ring: readonly ScreenPoint[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!
    const b = ring[j]!
    const crosses =
      a.y > point.y !== b.y > point.y &&
      point.x < ((b.x - a.x) * (point.y - a.y)) / (b.y - a.y) + a.x
    if (crosses) inside = !inside
  }
  return inside
}
