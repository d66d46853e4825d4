// The leader's map and settings against the real app and relay: the grid
// drawn with no tiles, tiles from a configured address, the language switch
// and back, a wrong current password refused in Chinese, and signing out
// with nothing pending. Screens are photographed at phone sizes into
// artifacts/e2e/screenshots/.

import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { after, afterEach, before, test } from 'node:test'
import { By } from 'selenium-webdriver'

import {
  buildDemo, cleanUp, click, css, find, freePort, Relay, textOf, type, waitFor, waitText, workDir,
} from '../lib/harness.mjs'
import {
  answerDialog, dialogText, login, openMore, PHONES, setViewport, shot, shotBoth,
  startAppOnFreePorts,
} from '../lib/screens.mjs'

const work = workDir()
let relay, app, d, leader, tiles

/** A 1x1 PNG: enough for the web view to count a tile as loaded. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

/** A tile server on 127.0.0.1 that answers every /z/x/y.png and counts the requests. */
async function startTileServer() {
  const server = createServer((req, res) => {
    server.requests += 1
    res.writeHead(200, { 'content-type': 'image/png' })
    res.end(PNG)
  })
  server.requests = 0
  const port = await freePort()
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  server.url = `http://127.0.0.1:${port}/{z}/{x}/{y}.png`
  return server
}

before(async () => {
  const demo = buildDemo(work)
  leader = demo.credentials.leaders[0]
  relay = new Relay(demo.data, await freePort())
  await relay.start()
  tiles = await startTileServer()
  app = await startAppOnFreePorts(work, {
    GRIDLINE_RELAY_URL: relay.url,
    GRIDLINE_SYNC_INTERVAL_S: '0',
  })
  d = app.session
  await setViewport(d, PHONES.small)
})

afterEach(async (t) => {
  if (t.passed === false) await shot(d, `failed-${t.name.slice(0, 40)}`).catch(() => {})
})

after(async () => {
  await app?.stop()
  await relay?.stop()
  await new Promise((resolve) => tiles?.close(resolve))
  cleanUp(work)
})

/** The titles in navigation bars, from the DOM. */
async function title() {
  const titles = await d.executeScript(
    "return [...document.querySelectorAll('.van-nav-bar__title')].map((el) => el.textContent.trim())",
  )
  return titles.join('|')
}

/** The drawn boundary's corners, in screen pixels of the map's SVG. */
async function boundaryPoints() {
  const polygon = await find(d, 'map-boundary', 30000)
  return (await polygon.getAttribute('points'))
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split(',').map(Number))
}

test('the map draws the grid boundary on a plain background when no tiles are set', async () => {
  await login(d, relay, leader)
  await openMore(d, 'map')

  const corners = await boundaryPoints()
  assert.ok(corners.length >= 3, `a polygon, not ${corners.length} points`)
  const svg = await find(d, 'map-svg')
  const width = Number(await svg.getAttribute('width'))
  const height = Number(await svg.getAttribute('height'))
  for (const [x, y] of corners) {
    assert.ok(Number.isFinite(x) && Number.isFinite(y), 'corners are numbers')
    assert.ok(x >= -1 && x <= width + 1 && y >= -1 && y <= height + 1, `(${x}, ${y}) is on screen`)
  }
  const xs = corners.map(([x]) => x)
  assert.ok(Math.max(...xs) - Math.min(...xs) > width / 2, 'the grid is fitted to the screen')
  assert.equal((await d.findElements(css('map-tile'))).length, 0, 'no tiles without a tile URL')
  assert.match(await textOf(d, 'map-summary'), /^未结事件 \d+ 件$/)
  await shotBoth(d, 'map-no-tiles')

  // A tap on the map offers to report there, with the point in WGS-84.
  const canvas = await find(d, 'map-canvas')
  await d.actions().move({ origin: canvas, x: 0, y: 0 }).click().perform()
  const coords = await textOf(d, 'map-sheet-coords')
  const [lat, lon] = coords.split(',').map(Number)
  assert.ok(Math.abs(lat - leader.point.lat) < 0.05, `latitude ${lat} is near the grid`)
  assert.ok(Math.abs(lon - leader.point.lon) < 0.05, `longitude ${lon} is near the grid`)
  await shot(d, 'map-tapped-360x640')
  await click(d, 'map-sheet-close')
})

test('settings save a tile URL and the map lays its tiles under the drawing', async (t) => {
  await openMore(d, 'settings')
  await find(d, 'settings-map')
  await type(d, 'settings-tile-url', 'not a url')
  await click(d, 'settings-map-save')
  await waitFor('the tile URL refused in Chinese', async () =>
    (await (await find(d, 'settings-map')).getText()).includes('底图地址应以 http(s):// 开头'),
  )
  await shot(d, 'settings-tile-url-invalid-360x640')
  await type(d, 'settings-tile-url', tiles.url)
  await click(d, 'settings-crs-wgs84')
  await click(d, 'settings-map-save')
  await waitFor('the settings to be saved', async () =>
    !(await (await find(d, 'settings-map')).getText()).includes('底图地址应以'),
  )

  await openMore(d, 'map')
  await boundaryPoints()
  await waitFor('tile images in the map', async () => (await d.findElements(css('map-tile'))).length > 0)
  const loaded = await waitFor('the tiles to load or fail', async () => {
    const states = await d.executeScript(`
      return [...document.querySelectorAll('[data-test="map-tile"]')]
        .map((img) => img.complete ? (img.naturalWidth > 0 ? 'ok' : 'failed') : 'loading')`)
    return states.includes('loading') ? false : states
  })
  const failedNote = (await d.findElements(css('map-tiles-failed'))).length > 0
  t.diagnostic(`tiles: ${loaded.filter((s) => s === 'ok').length}/${loaded.length} loaded, ` +
    `${tiles.requests} requests reached the tile server, failure note shown: ${failedNote}`)
  // Loaded tiles, or (when the web view refuses them) a note saying so; the grid is drawn either way.
  assert.ok(loaded.includes('ok') || failedNote, 'tiles show, or the map says why not')
  await shotBoth(d, 'map-with-tiles')

  // Back to no tiles for the rest of the run.
  await openMore(d, 'settings')
  await type(d, 'settings-tile-url', ' ')
  await click(d, 'settings-map-save')
})

test('the language switches to English and back to Chinese', async () => {
  await openMore(d, 'settings')
  await click(d, 'settings-lang-en')

  await waitFor('the English title', async () => (await title()).split('|').includes('Settings'))
  assert.equal((await textOf(d, 'tab-more')).trim(), 'More')
  assert.equal(await textOf(d, 'settings-map-save'), 'Save map settings')
  await shotBoth(d, 'settings-en')

  await click(d, 'settings-lang-zh-CN')
  await waitFor('the Chinese title', async () => (await title()).split('|').includes('设置'))
  assert.equal((await textOf(d, 'tab-more')).trim(), '更多')
  await shotBoth(d, 'settings')
})

test('a wrong current password is refused with a Chinese message', async () => {
  await click(d, 'settings-password')
  await type(d, 'password-current', `${leader.password}-wrong`)
  await type(d, 'password-new', 'Xinmima-2026')
  await type(d, 'password-repeat', 'Xinmima-2026')
  await click(d, 'password-submit')

  assert.equal(
    await waitText(d, 'password-error', (text) => text.length > 0, 'the refusal', 30000),
    '当前密码不正确',
  )
  await shotBoth(d, 'password-wrong')
})

test('signing out with nothing pending asks once and returns to the login screen', async () => {
  await openMore(d, 'settings')
  await waitText(d, 'settings-pending', (text) => text === '0', 'nothing pending')
  await click(d, 'settings-logout')
  assert.match(await dialogText(d), /确定退出登录吗/)
  await shot(d, 'settings-logout-confirm-360x640')
  await answerDialog(d)

  await find(d, 'login-account', 30000)
  await shotBoth(d, 'login-after-logout')
})
