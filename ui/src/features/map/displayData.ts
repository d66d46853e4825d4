/**
 * The map's content in display coordinates. With GCJ-02 tiles every stored WGS-84 point
 * is converted once, in one call to the core, when the map loads; with WGS-84 tiles or
 * none, points are drawn as stored. All coordinates are numbers, `[lat, lon]`.
 */
import type { LatLonPair, MapData, MapEnterprise, MapIssue } from '@/types'

export type Convert = (points: LatLonPair[]) => Promise<LatLonPair[]>

export interface DisplayIssue extends MapIssue {
  at: LatLonPair
}

export interface DisplayEnterprise extends MapEnterprise {
  at: LatLonPair
}

export interface DisplayData {
  rings: LatLonPair[][]
  issues: DisplayIssue[]
  enterprises: DisplayEnterprise[]
}

export async function toDisplayData(data: MapData, convert: Convert | null): Promise<DisplayData> {
  // The boundary comes in GeoJSON order, [lon, lat].
  const rings = data.boundary.map((ring) => ring.map(([lon, lat]): LatLonPair => [lat, lon]))
  const stored: LatLonPair[] = [
    ...rings.flat(),
    ...data.issues.map((issue): LatLonPair => [issue.lat, issue.lon]),
    ...data.enterprises.map((enterprise): LatLonPair => [enterprise.lat, enterprise.lon]),
  ]
  const shown = convert && stored.length > 0 ? await convert(stored) : stored
  let next = 0
  const take = (): LatLonPair => shown[next++] ?? [0, 0]
  return {
    rings: rings.map((ring) => ring.map(take)),
    issues: data.issues.map((issue) => ({ ...issue, at: take() })),
    enterprises: data.enterprises.map((enterprise) => ({ ...enterprise, at: take() })),
  }
}

/** Every drawn point, for fitting the view. */
export function allPoints(data: DisplayData): LatLonPair[] {
  return [
    ...data.rings.flat(),
    ...data.issues.map((issue) => issue.at),
    ...data.enterprises.map((enterprise) => enterprise.at),
  ]
}
