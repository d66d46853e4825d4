import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { mountInApp } from '@/testing/mount'
import type { LatLonPair, MapData, Settings, TaskItem } from '@/types'

import { takeReportPrefill } from '../../report/prefill'
import MapView from '../MapView.vue'
import { pointInRing, type ScreenPoint } from '../projection'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`
const Blank = { render: () => null }

/** A grid shaped like an L, so a point in the notch is inside the box but not the grid. */
const data: MapData = {
  boundary: [
    [
      [113.6, 34.86],
      [113.62, 34.86],
      [113.62, 34.865],
      [113.61, 34.865],
      [113.61, 34.87],
      [113.6, 34.87],
      [113.6, 34.86],
    ],
  ],
  issues: [
    { id: 'in', domain: 'work_safety', status: 'dispatched', lat: 34.862, lon: 113.605 },
    { id: 'notch', domain: 'public_service', status: 'reported', lat: 34.868, lon: 113.615 },
  ],
  enterprises: [{ id: 'e-1', name: '顺达汽修店', lat: 34.863, lon: 113.615 }],
}
const plain: Settings = { tileUrl: null, tileCrs: 'wgs84', handleRadiusM: 100 }
const gcjTiles: Settings = {
  tileUrl: 'http://10.0.0.1/tiles/{z}/{x}/{y}.png',
  tileCrs: 'gcj02',
  handleRadiusM: 100,
}

function polygon(wrapper: VueWrapper): ScreenPoint[] {
  return wrapper
    .find(sel('map-boundary'))
    .attributes('points')!
    .split(' ')
    .map((pair) => {
      const [x, y] = pair.split(',').map(Number)
      return { x: x!, y: y! }
    })
}

function drawnAt(wrapper: VueWrapper, test: string, id: string): ScreenPoint {
  const el = wrapper.find(`[data-test="${test}"][data-id="${id}"]`)
  return { x: Number(el.attributes('data-x')), y: Number(el.attributes('data-y')) }
}

async function mountMap(settings: Settings, tasks: Partial<TaskItem>[] = []) {
  vi.mocked(api.mapData).mockResolvedValue(data)
  vi.mocked(api.settings).mockResolvedValue(settings)
  vi.mocked(api.gridTasks).mockResolvedValue(tasks as TaskItem[])
  const mounted = await mountInApp(MapView)
  mounted.router.addRoute({ path: '/tasks/:id', name: 'task', component: Blank })
  await flushPromises()
  return mounted
}

describe('MapView', () => {
  afterEach(() => vi.unstubAllGlobals())

  describe('with no tiles', () => {
    it('should draw a point inside the boundary inside the drawn polygon, and one outside outside', async () => {
      const { wrapper } = await mountMap(plain)

      const ring = polygon(wrapper)
      expect(ring).toHaveLength(7)
      expect(pointInRing(drawnAt(wrapper, 'map-issue', 'in'), ring)).toBe(true)
      expect(pointInRing(drawnAt(wrapper, 'map-enterprise', 'e-1'), ring)).toBe(true)
      expect(pointInRing(drawnAt(wrapper, 'map-issue', 'notch'), ring), 'the notch').toBe(false)
    })

    it('should draw on a plain background without converting anything', async () => {
      const { wrapper } = await mountMap(plain)

      expect(wrapper.findAll(sel('map-tile'))).toHaveLength(0)
      expect(api.toDisplay).not.toHaveBeenCalled()
      expect(wrapper.find(sel('map-summary')).text()).toBe('未结事件 2 件')
    })

    it('should colour issues by domain and name the domains in the legend', async () => {
      const { wrapper } = await mountMap(plain)

      const fill = (id: string) =>
        wrapper.find(`[data-test="map-issue"][data-id="${id}"] .canvas__issue`).attributes('fill')
      expect(fill('in')).not.toBe(fill('notch'))
      expect(wrapper.find(sel('map-legend')).text()).toContain('安全生产')
      expect(wrapper.find(sel('map-legend')).text()).toContain('公共服务')
    })

    it('should open the task screen for a grid task and sum up the leader’s own report', async () => {
      const { wrapper, router } = await mountMap(plain, [{ id: 'in' }])

      await wrapper.find('[data-test="map-issue"][data-id="notch"]').trigger('click')
      expect(wrapper.find(sel('map-sheet-issue')).attributes('data-id')).toBe('notch')
      expect(wrapper.find(sel('map-sheet')).text()).toContain('公共服务')

      await wrapper.find('[data-test="map-issue"][data-id="in"]').trigger('click')
      await flushPromises()
      expect(router.currentRoute.value.fullPath).toBe('/tasks/in')
    })

    it('should offer to report at a tapped point, as a manual WGS-84 position', async () => {
      const { wrapper, router } = await mountMap(plain)

      await wrapper.find(sel('map-canvas')).trigger('click', { clientX: 180, clientY: 240 })
      await flushPromises()
      const coords = wrapper.find(sel('map-sheet-coords')).text()
      expect(coords).toMatch(/^34\.86\d{4}, 113\.6\d{5}$/)
      await wrapper.find(sel('map-report-here')).trigger('click')
      await flushPromises()

      expect(router.currentRoute.value.name).toBe('report')
      const prefill = takeReportPrefill()
      expect(prefill?.position?.source).toBe('manual')
      expect(typeof prefill?.position?.lat).toBe('number')
      expect(api.fromDisplay).not.toHaveBeenCalled()
    })
  })

  describe('with GCJ-02 tiles', () => {
    /** A stand-in for the core's conversion: a fixed shift, big enough to see on screen. */
    const shift = (points: LatLonPair[]): LatLonPair[] =>
      points.map(([lat, lon]) => [lat + 0.001, lon + 0.002])

    beforeEach(() => {
      vi.mocked(api.toDisplay).mockImplementation(async (points) => shift(points))
      vi.mocked(api.fromDisplay).mockResolvedValue([34.8655, 113.6066])
    })

    it('should convert every stored point once, in one call, and draw the converted ones', async () => {
      const { wrapper } = await mountMap(gcjTiles)

      expect(api.toDisplay).toHaveBeenCalledTimes(1)
      const [points, crs] = vi.mocked(api.toDisplay).mock.calls[0]!
      expect(crs).toBe('gcj02')
      expect(points).toHaveLength(7 + 2 + 1)
      expect(points[0], 'the boundary goes in as [lat, lon]').toEqual([34.86, 113.6])
      expect(points[7]).toEqual([34.862, 113.605])
      expect(points.flat().every((n) => typeof n === 'number')).toBe(true)
      // Drawn where the tiles have it: the shifted point is inside the shifted polygon.
      expect(pointInRing(drawnAt(wrapper, 'map-issue', 'in'), polygon(wrapper))).toBe(true)
    })

    it('should lay raster tiles from the configured address under the drawing', async () => {
      const { wrapper } = await mountMap(gcjTiles)

      const tiles = wrapper.findAll(sel('map-tile'))
      expect(tiles.length).toBeGreaterThan(0)
      expect(tiles[0]!.attributes('src')).toMatch(
        /^http:\/\/10\.0\.0\.1\/tiles\/\d+\/\d+\/\d+\.png$/,
      )
    })

    it('should turn a tap back into WGS-84 through the core before offering it', async () => {
      const { wrapper } = await mountMap(gcjTiles)

      await wrapper.find(sel('map-canvas')).trigger('click', { clientX: 180, clientY: 240 })
      await flushPromises()

      expect(api.fromDisplay).toHaveBeenCalledTimes(1)
      const [lat, lon, crs] = vi.mocked(api.fromDisplay).mock.calls[0]!
      expect(crs).toBe('gcj02')
      // The centre of the screen is the centre of the shifted drawing.
      expect(lat).toBeCloseTo(34.866, 3)
      expect(lon).toBeCloseTo(113.612, 3)
      expect(wrapper.find(sel('map-sheet-coords')).text()).toBe('34.865500, 113.606600')
    })
  })

  it('should leave WGS-84 tiles unconverted', async () => {
    await mountMap({ ...gcjTiles, tileCrs: 'wgs84' })

    expect(api.toDisplay).not.toHaveBeenCalled()
  })
})
