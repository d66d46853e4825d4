// A grid leader patrols: starts a patrol, records a visit to a household,
// ends the patrol and reads the day's summary. A sync delivers the visit to
// the relay, which credits it; the next sync brings the point down to the
// phone's points screen. Screens are checked at phone sizes and photographed
// into artifacts/e2e/screenshots/.

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, afterEach, before, test } from 'node:test'

import {
  buildDemo, cleanUp, click, css, find, freePort, Relay, SHARED, textOf, type, waitFor, waitText,
  workDir,
} from '../lib/harness.mjs'
import {
  answerDialog, dialogText, domText, login, openMore, PHONES, relayRows, setViewport, shot, shotBoth,
  startAppOnFreePorts, syncFromHome, toastGone,
} from '../lib/screens.mjs'

const work = workDir()
let relay, app, d, leader, relayData

before(async () => {
  const demo = buildDemo(work)
  leader = demo.credentials.leaders[0]
  relayData = demo.data
  relay = new Relay(demo.data, await freePort())
  await relay.start()
  app = await startAppOnFreePorts(work, {
    GRIDLINE_RELAY_URL: relay.url,
    GRIDLINE_SYNC_INTERVAL_S: '0',
  })
  d = app.session
  await setViewport(d, PHONES.small)
})

afterEach(async (t) => {
  // What the screen showed when a step failed, for whoever reads the run.
  if (t.passed === false) await shot(d, `failed-${t.name.slice(0, 40)}`).catch(() => {})
})

after(async () => {
  await app?.stop()
  await relay?.stop()
  cleanUp(work)
})

// Unique notes per run, so the relay checks find only ours.
const note = `独居老人身体尚好，燃气灶软管老化已提醒更换 ${Date.now()}`
const photoNote = `企业消防通道堆放纸箱，已要求当场清理 ${Date.now()}`
let householdId

/** Opens the visit form and picks the first row of the chosen kind from the list. */
async function pickFromList(kind) {
  await click(d, `visit-kind-${kind}`)
  const first = await waitFor(`a ${kind} in the list`, async () => {
    for (const el of await d.findElements(css('visit-list-item'))) {
      if ((await el.getAttribute('data-kind')) === kind) return el
    }
    return false
  }, 30000)
  const id = await first.getAttribute('data-id')
  await first.click()
  await find(d, 'visit-target-picked')
  return id
}

test('a leader starts a patrol from the more tab', async () => {
  await login(d, relay, leader)
  await click(d, 'tab-more')
  await find(d, 'more-patrol')
  await shotBoth(d, 'more')

  await click(d, 'more-patrol')
  await find(d, 'patrol-idle')
  await shot(d, 'patrol-idle-360x640')
  await click(d, 'patrol-start')

  await find(d, 'patrol-running')
  await waitText(d, 'patrol-duration', (t) => /^\d+:\d\d$/.test(t), 'a running clock')
  assert.equal(await textOf(d, 'patrol-visits'), '0')
  // No position on a desktop: the track pauses and says so, the patrol goes on.
  await find(d, 'patrol-no-fix')
  await shotBoth(d, 'patrol-running')
})

test('a visit to a household is recorded with a note', async () => {
  await toastGone(d)
  await click(d, 'patrol-record-visit')
  await find(d, 'visit-list-item', 30000)
  await shot(d, 'visit-pick-360x640')
  householdId = await pickFromList('household')
  await type(d, 'visit-note', note)
  await shot(d, 'visit-form-360x640')
  await click(d, 'visit-save')

  await find(d, 'patrol-running')
  await waitText(d, 'patrol-visits', (t) => t === '1', 'the visit counted on the patrol')
  const items = await d.findElements(css('patrol-visit-item'))
  assert.equal(items.length, 1, 'the visit is listed on the patrol screen')
  await toastGone(d)
  await shot(d, 'patrol-with-visit-360x640')
})

test('a visit turns into a prefilled report in one tap', async () => {
  await click(d, 'patrol-visit-to-report')

  const description = await find(d, 'report-description')
  await waitFor('the note in the description', async () => {
    return (await d.executeScript('return arguments[0].value', description)) === note
  })
  assert.match(await domText(d, 'report-subject-picked'), /住户/)
  await d.executeScript('arguments[0].scrollIntoView({block: "center"})', description)
  await shot(d, 'report-from-visit-360x640')
  // Not filed here: back to the patrol.
  await openMore(d, 'patrol')
  await find(d, 'patrol-running')
})

test('ending the patrol shows the day summary', async () => {
  await toastGone(d)
  await click(d, 'patrol-stop')
  assert.match(await dialogText(d), /确定结束本次走访吗/)
  await shot(d, 'patrol-stop-confirm-360x640')
  await answerDialog(d)

  await find(d, 'day-summary')
  assert.equal(await textOf(d, 'day-label'), '今天')
  assert.equal(await textOf(d, 'day-visits'), '1')
  assert.equal(await textOf(d, 'day-patrols'), '1')
  await toastGone(d)
  await shotBoth(d, 'day-summary')
})

test('a sync delivers the visit to the relay, and the next one brings its point', async () => {
  await syncFromHome(d)

  const rows = relayRows(relayData, 'SELECT account, subject_entity, subject_id, note FROM visits')
  const ours = rows.filter((row) => row[3] === note)
  assert.equal(ours.length, 1, `the visit arrived once (${rows.length} visits at the relay)`)
  assert.deepEqual(ours[0], [leader.account, 'household', householdId, note])
  const credited = relayRows(
    relayData,
    `SELECT reason, points FROM points WHERE account = '${leader.account}'`,
  )
  assert.deepEqual(credited, [['visit', '1']], 'the relay credited the visit')

  await syncFromHome(d)
  await openMore(d, 'points')
  await waitText(d, 'points-total', (t) => t === '1', 'one point on the phone', 30000)
  const entries = await d.findElements(css('points-entry'))
  assert.equal(entries.length, 1)
  assert.equal(await entries[0].getAttribute('data-reason'), 'visit')
  assert.match(await entries[0].getText(), /走访[\s\S]*\+1/)
  await shotBoth(d, 'points')
})

test(
  'a visit with a photo reaches the relay with its photo',
  async () => {
    await openMore(d, 'patrol')
    await click(d, 'patrol-record-visit')
    const enterpriseId = await pickFromList('enterprise')
    await type(d, 'visit-note', photoNote)
    const input = await find(d, 'report-photo-input')
    await input.sendKeys(join(SHARED, 'data/photos/Oppo-R7-Plus.jpg'))
    await find(d, 'report-photo-thumb', 30000)
    await shotBoth(d, 'visit-form-photo')
    await click(d, 'visit-save')
    await find(d, 'patrol-idle')

    await syncFromHome(d)

    const rows = relayRows(relayData, 'SELECT subject_id, note, photo_sha256 FROM visits')
    const ours = rows.filter((row) => row[1] === photoNote)
    assert.equal(ours.length, 1, 'the visit with a photo arrived')
    assert.equal(ours[0][0], enterpriseId)
    assert.match(ours[0][2], /^[0-9a-f]{64}$/)
  },
)
