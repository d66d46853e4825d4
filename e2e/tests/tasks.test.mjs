// A grid leader works a dispatched task on the real app against a real
// relay: opens it from the task list (sorted by time left), starts it, marks
// it handled with an after photo taken at the scene, and after a sync the
// relay's timeline holds both steps and the platform sees it handled. A step
// the platform overtook comes back kept without effect, with the reason.

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { By } from 'selenium-webdriver'

import {
  buildDemo, cleanUp, click, find, findCss, freePort, Relay, relaySql, setViewport, SHARED, shot,
  sqlText, startApp, tap, textOf, type, waitFor, waitText, workDir,
} from '../lib/harness.mjs'
import { allText, allWith, logIn, panelClosed, panelOpen, syncFromHome, toastsGone } from '../lib/flows.mjs'

const work = workDir()
let relay, app, d, leader, apiKey
/** The demo's dispatched task in the leader's grid, as Open311 shows it. */
let task

before(async () => {
  const demo = buildDemo(work)
  leader = demo.credentials.leaders[0]
  apiKey = demo.credentials.api_key
  relay = new Relay(demo.data, await freePort())
  await relay.start()
  const [row] = relaySql(
    relay,
    `SELECT id, deadline_at_ms FROM issues
      WHERE grid_code = ${sqlText(leader.grid_code)} AND status = 'dispatched'`,
  )
  const [request] = await (await fetch(`${relay.url}/open311/v2/requests/${row.id}.json`)).json()
  task = { ...request, deadlineAtMs: row.deadline_at_ms }
  app = await startApp(work, { GRIDLINE_RELAY_URL: relay.url, GRIDLINE_SYNC_INTERVAL_S: '0' })
  d = app.session
  const size = await setViewport(d, 360, 640)
  assert.deepEqual(size, [360, 640], 'the web view takes the size of a small phone')
})

after(async () => {
  await app?.stop()
  await relay?.stop()
  cleanUp(work)
})

const taskItem = (id) => findCss(d, `[data-test="task-item"][data-id="${id}"]`)
const stepsShown = () => allWith(d, 'timeline-step', 'data-kind')

/** Files a hotline complaint at the leader's point through Open311; returns its id. */
async function hotline(description, deadlineHours) {
  const form = new URLSearchParams({
    api_key: apiKey,
    service_code: 'public_service',
    lat: String(leader.point.lat),
    long: String(leader.point.lon),
    description,
    'attribute[source]': 'hotline_12345',
    'attribute[deadline_hours]': String(deadlineHours),
  })
  const res = await fetch(`${relay.url}/open311/v2/requests.json`, { method: 'POST', body: form })
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json())[0].service_request_id
}

test('the task list puts the nearest deadline first and shows source and deadline', async () => {
  await logIn(d, relay.url, leader)
  const urgent = await hotline(`楼道堆放杂物堵塞消防通道 ${Date.now()}`, 2)
  await syncFromHome(d)

  await click(d, 'tab-tasks')
  const card = await taskItem(urgent)
  // The demo task was reported days ago: overdue ones come before two hours left.
  const demoOverdue = task.deadlineAtMs < Date.now()
  const expected = demoOverdue
    ? [task.service_request_id, urgent]
    : [urgent, task.service_request_id]
  const order = (await allWith(d, 'task-item', 'data-id')).filter((id) => expected.includes(id))
  assert.deepEqual(order, expected, 'sorted by time left')
  const demoCard = await taskItem(task.service_request_id)
  assert.equal(await demoCard.getAttribute('data-overdue'), String(demoOverdue))
  const source = await card.findElement(By.css('[data-test="task-source"]'))
  assert.equal((await source.getText()).trim(), '12345热线')
  const due = await card.findElement(By.css('[data-test="task-deadline"]'))
  assert.equal(await due.getAttribute('data-tone'), 'soon', 'due within a day is marked urgent')
  assert.match(await due.getText(), /剩余 1 小时 \d+ 分钟|剩余 2 小时/)
  await toastsGone(d)
  await shot(d, 'tasks-list')
})

test('a leader starts the dispatched task and marks it handled with an after photo', async () => {
  const id = task.service_request_id
  await tap(d, await taskItem(id))
  await find(d, 'task-detail')
  assert.equal(await (await find(d, 'task-detail')).getAttribute('data-status'), 'dispatched')
  assert.ok((await allText(d, await find(d, 'task-detail-description'))).includes(task.description))
  await toastsGone(d)
  await shot(d, 'task-detail-dispatched')

  await click(d, 'task-step-start')
  await waitFor('the task to be in handling', async () =>
    (await (await find(d, 'task-detail')).getAttribute('data-status')) === 'handling')
  assert.deepEqual(await stepsShown(), ['start'])
  assert.deepEqual(await allWith(d, 'timeline-step', 'data-pending'), ['true'], 'start is pending')

  await toastsGone(d)
  await click(d, 'task-step-handle')
  await panelOpen(d, 'handle-panel')
  const input = await find(d, 'report-photo-input')
  await input.sendKeys(join(SHARED, 'data/photos/Issue-116.jpg'))
  await find(d, 'handle-after', 30000)
  // Decoded and painted (two frames on) before the picture is taken.
  await d.executeAsyncScript(`const done = arguments[arguments.length - 1]
    document.querySelector('.step-panel').scrollTop = 0
    const img = document.querySelector('[data-test="handle-after"]')
    img.decode().catch(() => {}).then(() =>
      requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300))))`)
  await shot(d, 'task-handle-before-after')
  // No position yet, and the photo has none: the core cannot tell it was taken at the scene.
  await click(d, 'handle-submit')
  assert.equal(
    await waitText(d, 'step-error', (t) => t.length > 0, 'the missing position refusal'),
    '无法确认照片是在现场拍摄的，请开启定位后重试',
  )
  // Device location is denied in the desktop web view: it says so, and the leader types it.
  await click(d, 'handle-use-device')
  await find(d, 'handle-no-fix', 15000)
  // About 560 m north of the scene: refused, with the core's reason in Chinese.
  await type(d, 'handle-lat', String(task.lat + 0.005))
  await type(d, 'handle-lon', String(task.long))
  await click(d, 'handle-submit')
  assert.equal(
    await waitText(d, 'step-error', (t) => t.includes('太远'), 'the too-far refusal'),
    '处置照片离事件地点太远，请到现场拍照',
  )
  // About 22 m away: at the scene.
  await type(d, 'handle-lat', String(task.lat + 0.0002))
  await toastsGone(d)
  await shot(d, 'task-handle-panel')
  await click(d, 'handle-submit')

  await panelClosed(d)
  await waitFor('the task to be handled', async () =>
    (await (await find(d, 'task-detail')).getAttribute('data-status')) === 'handled')
  assert.deepEqual(await stepsShown(), ['start', 'handle'])
  assert.deepEqual(await allWith(d, 'timeline-step', 'data-pending'), ['true', 'true'])
  const photos = await d.findElements(By.css('[data-test="timeline-photo"]'))
  assert.equal(photos.length, 1, 'the after photo shows in the timeline')
  assert.deepEqual(await allWith(d, 'task-step-note', 'data-test'), ['task-step-note'],
    'once handled, only a note is left to the leader')
  await toastsGone(d)
  await shot(d, 'task-detail-handled-pending')
})

test('after a sync the relay holds both steps and the platform sees the task handled', async () => {
  const id = task.service_request_id
  await syncFromHome(d)

  const events = relaySql(
    relay,
    `SELECT kind, effective, from_status, to_status, photos_json, lat, actor
       FROM issue_events WHERE issue_id = ${sqlText(id)} ORDER BY received_at_ms, at_ms`,
  )
  const ours = events.filter((e) => e.actor === leader.account)
  assert.deepEqual(
    ours.map((e) => [e.kind, e.effective, e.from_status, e.to_status]),
    [
      ['start', 1, 'dispatched', 'handling'],
      ['handle', 1, 'handling', 'handled'],
    ],
  )
  const [sha] = JSON.parse(ours[1].photos_json)
  assert.match(sha, /^[0-9a-f]{64}$/, 'the handle step carries its after photo')
  assert.equal(relaySql(relay, `SELECT 1 AS ok FROM photos WHERE sha256 = ${sqlText(sha)}`).length, 1,
    'the photo itself reached the relay')
  assert.ok(Math.abs(ours[1].lat - (task.lat + 0.0002)) < 1e-9, 'with the phone position typed')
  const [request] = await (await fetch(`${relay.url}/open311/v2/requests/${id}.json`)).json()
  assert.match(request.status_notes, /handled/)

  await click(d, 'tab-tasks')
  await tap(d, await taskItem(id))
  await waitFor('the steps to show as synced', async () =>
    (await allWith(d, 'timeline-step', 'data-pending')).join() === 'false,false')
  assert.equal(await (await find(d, 'task-detail')).getAttribute('data-status'), 'handled')
  await toastsGone(d)
  await shot(d, 'task-detail-handled-synced')
})

test('a start the platform overtook by supervising is kept without effect, with the reason', async () => {
  await click(d, 'tab-tasks')
  const ids = await allWith(d, 'task-item', 'data-id')
  const urgent = ids.find((id) => id !== task.service_request_id)
  await tap(d, await taskItem(urgent))
  await click(d, 'task-step-start')
  await waitFor('the local start', async () => (await stepsShown()).join() === 'start')

  const res = await fetch(`${relay.url}/api/v1/platform/issues/${urgent}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ kind: 'supervise', expected_status: 'dispatched', note: '区平台督办' }),
  })
  assert.ok(res.ok, await res.clone().text())
  await syncFromHome(d)

  await click(d, 'tab-tasks')
  const card = await taskItem(urgent)
  assert.equal(await card.getAttribute('data-supervised'), 'true', 'supervised tasks stand out')
  assert.ok((await allText(d, card)).includes('督办中'))
  await toastsGone(d)
  await shot(d, 'tasks-list-supervised')
  await tap(d, card)
  await waitFor('the relay’s word on the start', async () =>
    (await allWith(d, 'timeline-step', 'data-effective')).includes('false'))
  const reason = await textOf(d, 'timeline-reason')
  assert.equal(reason, '平台已先行处理，此操作未生效')
  assert.equal(await (await find(d, 'task-detail')).getAttribute('data-status'), 'supervised')
  await toastsGone(d)
  await shot(d, 'task-detail-stale-step')
  await setViewport(d, 414, 896)
  await toastsGone(d)
  await shot(d, 'task-detail-stale-step')
  await setViewport(d, 360, 640)
})
