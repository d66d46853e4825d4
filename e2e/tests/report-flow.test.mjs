// A grid leader logs in, files a photo report while the relay is down, sees
// it pending, syncs once the relay is back, and the district platform sees
// it exactly once through Open311; a hotline complaint posted through
// Open311 then reaches the leader's task list.

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { By } from 'selenium-webdriver'

import {
  buildDemo, cleanUp, click, css, find, freePort, Relay, screenshot, SHARED, startApp, textOf, type,
  waitFor, waitText, workDir,
} from '../lib/harness.mjs'

const work = workDir()
let relay, app, d, leader, apiKey, divisions

before(async () => {
  const demo = buildDemo(work)
  leader = demo.credentials.leaders[0]
  apiKey = demo.credentials.api_key
  divisions = readFileSync(join(SHARED, 'data/divisions/zhengzhou.csv'), 'utf8')
  relay = new Relay(demo.data, await freePort())
  await relay.start()
  app = await startApp(work, { GRIDLINE_RELAY_URL: relay.url, GRIDLINE_SYNC_INTERVAL_S: '0' })
  d = app.session
})

after(async () => {
  await app?.stop()
  await relay?.stop()
  cleanUp(work)
})

// One unique description per run, so the Open311 check finds only ours.
const description = `配电箱柜门损坏，电线裸露，存在触电隐患 ${Date.now()}`
// WebKit leaves line-clamped text out of the rendered text WebDriver
// reports, so whole descriptions are read from the DOM.
const allText = (driver, el) => driver.executeScript('return arguments[0].textContent', el)

const lat = () => leader.point.lat
const lon = () => leader.point.lon

test('a leader logs in and sees the real township and community of the grid', async () => {
  await type(d, 'login-server', relay.url)
  await type(d, 'login-account', leader.account)
  await type(d, 'login-password', leader.password)
  await screenshot(d, '01-login')
  await click(d, 'login-submit')

  const gridName = await waitText(d, 'home-grid-name', (t) => t.length > 0, 'the grid name', 30000)
  assert.equal(gridName, leader.grid_name)
  assert.equal(await textOf(d, 'home-grid-code'), leader.grid_code)
  assert.equal(await textOf(d, 'home-township'), leader.township.name)
  assert.equal(await textOf(d, 'home-community'), leader.community.name)
  // The names are the official ones for these codes in the division table.
  assert.ok(divisions.includes(`${leader.township.code},${leader.township.name},township`))
  assert.ok(divisions.includes(`${leader.community.code},${leader.community.name},village`))
  const residents = Number(await waitText(d, 'home-residents', (t) => Number(t) > 0, 'residents'))
  assert.ok(residents >= 40, `the first download brought the grid's residents (${residents})`)
  assert.equal(await textOf(d, 'sync-pending'), '0')
  await screenshot(d, '02-home')
})

test('a report filed while the relay is down is saved and shown as pending', async () => {
  await relay.stop()

  await click(d, 'tab-report')
  await click(d, 'report-domain-work_safety')
  await type(d, 'report-description', description)
  const input = await find(d, 'report-photo-input')
  await input.sendKeys(join(SHARED, 'data/photos/Oppo-R7-Plus.jpg'))
  await find(d, 'report-photo-thumb', 30000)
  await type(d, 'report-lat', String(lat()))
  await type(d, 'report-lon', String(lon()))
  await screenshot(d, '03-new-report')
  await click(d, 'report-submit')

  const item = await d.wait(async () => {
    const items = await d.findElements(css('my-report-item'))
    for (const el of items) if ((await allText(d, el)).includes(description)) return el
    return null
  }, 15000, 'the new report never appeared in my reports')
  assert.equal(await item.getAttribute('data-sync'), 'pending')
  await click(d, 'tab-home')
  assert.equal(await waitText(d, 'sync-pending', (t) => t === '1', 'one pending operation'), '1')
  await click(d, 'sync-now')
  await waitFor('the offline error to show', async () => (await textOf(d, 'sync-error', 2000)).length > 0)
  assert.equal(await textOf(d, 'sync-pending'), '1', 'a failed sync keeps the report pending')
  await screenshot(d, '04-home-offline-pending')
})

test('when the relay returns, sync delivers the report once, with photo and position', async () => {
  await relay.start()

  await click(d, 'sync-now')
  await waitText(d, 'sync-pending', (t) => t === '0', 'the outbox to empty', 30000)
  await click(d, 'tab-my-reports')
  await waitFor('the report to show as synced', async () => {
    const items = await d.findElements(css('my-report-item'))
    return items.length > 0 && (await items[0].getAttribute('data-sync')) === 'synced'
  })
  await screenshot(d, '05-my-reports-synced')
  // A second sync must not send it again.
  await click(d, 'tab-home')
  await click(d, 'sync-now')
  await waitText(d, 'sync-last', (t) => t.length > 0, 'a last sync time')

  const res = await fetch(`${relay.url}/open311/v2/requests.json?service_code=work_safety`)
  assert.equal(res.status, 200)
  const ours = (await res.json()).filter((r) => r.description === description)
  assert.equal(ours.length, 1, 'the report reached the platform exactly once')
  const [request] = ours
  assert.equal(request.service_code, 'work_safety')
  assert.ok(Math.abs(request.lat - lat()) < 1e-6, `lat ${request.lat} vs ${lat()}`)
  assert.ok(Math.abs(request.long - lon()) < 1e-6, `long ${request.long} vs ${lon()}`)
  assert.ok(request.media_url, 'the report carries a media_url')
  const media = await fetch(request.media_url)
  assert.equal(media.status, 200)
  assert.match(media.headers.get('content-type'), /^image\/jpeg/)
  const bytes = Buffer.from(await media.arrayBuffer())
  assert.equal(bytes.subarray(0, 2).toString('hex'), 'ffd8', 'media_url serves a JPEG')
  assert.ok(bytes.length < 400 * 1024, `upload copy is small (${bytes.length} bytes)`)
  const sha = createHash('sha256').update(bytes).digest('hex')
  assert.ok(request.media_url.includes(sha), 'the photo is named by its SHA-256')
})

test('a hotline complaint posted through Open311 reaches the grid task list', async () => {
  const complaint = `市民来电反映小区门口占道经营，影响通行 ${Date.now()}`
  const form = new URLSearchParams({
    api_key: apiKey,
    service_code: 'illegal_business',
    lat: String(lat()),
    long: String(lon()),
    description: complaint,
    'attribute[source]': 'hotline_12345',
  })
  const res = await fetch(`${relay.url}/open311/v2/requests.json`, { method: 'POST', body: form })
  assert.equal(res.status, 201, await res.clone().text())
  const [{ service_request_id: id }] = await res.json()

  await click(d, 'sync-now')
  await click(d, 'tab-tasks')
  const task = await d.wait(async () => {
    const items = await d.findElements(By.css(`[data-test="task-item"][data-id="${id}"]`))
    return items[0] ?? null
  }, 15000, 'the dispatched task never appeared')
  assert.ok((await allText(d, task)).includes(complaint))
  const source = await task.findElement(By.css('[data-test="task-source"]'))
  assert.equal((await source.getText()).trim(), '12345热线', 'the source shows its Chinese label')
  await screenshot(d, '06-tasks')
})
