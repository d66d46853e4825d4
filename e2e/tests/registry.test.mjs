// A grid leader works the registry on the real app against a real relay:
// pages through households, residents and enterprises; finds a resident by
// the pinyin initials of the name; reveals the full ID number (recorded);
// adds a resident, told the expected check character of a mistyped ID
// number; syncs, and the relay has the new resident. Two phones of the same
// leader then change one phone number; the conflict is shown and settled.

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { By } from 'selenium-webdriver'

import {
  buildDemo, cleanUp, click, find, findCss, freePort, Relay, relaySql, setViewport, shot, sqlText,
  startApp, tap, textOf, type, waitFor, waitText, workDir,
} from '../lib/harness.mjs'
import { allWith, idCheckChar, logIn, syncFromHome, toastsGone } from '../lib/flows.mjs'
import { initialsOf } from '../lib/pinyin.mjs'

const work = workDir()
let relay, app, d, leader
/** A resident of the leader's grid whose name has one set of pinyin initials. */
let person

before(async () => {
  const demo = buildDemo(work)
  leader = demo.credentials.leaders[0]
  relay = new Relay(demo.data, await freePort())
  await relay.start()
  const residents = relaySql(
    relay,
    `SELECT id, name, citizen_id, household_id FROM residents
      WHERE grid_code = ${sqlText(leader.grid_code)} AND moved_out_at_ms IS NULL ORDER BY id`,
  )
  person = residents
    .map((r) => ({ ...r, initials: initialsOf(r.name) }))
    .find((r) => r.initials !== null && r.initials.length === 3)
  assert.ok(person, 'the demo grid has a resident with a three-character name')
  app = await startApp(work, { GRIDLINE_RELAY_URL: relay.url, GRIDLINE_SYNC_INTERVAL_S: '0' })
  d = app.session
  assert.deepEqual(await setViewport(d, 360, 640), [360, 640])
  await logIn(d, relay.url, leader)
})

after(async () => {
  await app?.stop()
  await relay?.stop()
  cleanUp(work)
})

const inGrid = () => `grid_code = ${sqlText(leader.grid_code)}`
const count = (table) => relaySql(relay, `SELECT COUNT(*) AS n FROM ${table} WHERE ${inGrid()}`)[0].n

async function calmShot(name) {
  await toastsGone(d)
  await shot(d, name)
}

test('the registry pages households, residents and enterprises of the grid', async () => {
  await click(d, 'tab-registry')
  const households = await find(d, 'household-list')
  assert.equal(Number(await households.getAttribute('data-total')), count('households'))
  const shown = Number(await households.getAttribute('data-count'))
  assert.ok(shown >= 1 && shown <= 100, `a page or two is shown, not all (${shown})`)
  await calmShot('registry-households')

  await click(d, 'registry-tab-residents')
  const residents = await find(d, 'resident-list')
  assert.equal(Number(await residents.getAttribute('data-total')), count('residents'))
  const masked = await textOf(d, 'resident-citizen-id')
  assert.match(masked, /^\d{6}\*{8}[\dX]{4}$/, 'ID numbers are masked in the list')
  await calmShot('registry-residents')
  await setViewport(d, 414, 896)
  await calmShot('registry-residents')
  await setViewport(d, 360, 640)

  const tagged = relaySql(
    relay,
    `SELECT COUNT(*) AS n FROM residents
      WHERE ${inGrid()} AND care_tags_json LIKE '%"elderly_alone"%'`,
  )[0].n
  await click(d, 'care-filter-elderly_alone')
  if (tagged > 0) {
    await waitFor('the filtered list', async () => {
      const list = await d.findElements(By.css('[data-test="resident-list"]'))
      return list.length > 0 && Number(await list[0].getAttribute('data-total')) === tagged
    })
  } else {
    await find(d, 'resident-list-empty')
  }
  await calmShot('registry-residents-care-filter')
  await click(d, 'care-filter-all')

  await click(d, 'registry-tab-enterprises')
  const enterprises = await find(d, 'enterprise-list')
  assert.equal(Number(await enterprises.getAttribute('data-total')), count('enterprises'))
  await calmShot('registry-enterprises')
  await tap(d, await find(d, 'enterprise-item'))
  await find(d, 'enterprise-detail')
  await calmShot('enterprise-detail')
  await click(d, 'nav-back')
  await click(d, 'registry-tab-households')
})

test('a resident is found by the pinyin initials of the name and the ID shown in full', async () => {
  await click(d, 'registry-search')
  await type(d, 'search-input', person.initials)
  const hit = await findCss(d, `[data-test="search-hit"][data-kind="resident"][data-id="${person.id}"]`)
  assert.equal(
    (await (await hit.findElement(By.css('[data-test="search-hit-title"]'))).getText()).trim(),
    person.name,
  )
  await calmShot('search-by-initials')

  await tap(d, hit)
  const detail = await find(d, 'resident-detail')
  assert.equal(await detail.getAttribute('data-id'), person.id)
  const masked = await textOf(d, 'number-citizen_id')
  assert.notEqual(masked, person.citizen_id, 'masked until asked')
  assert.equal(masked.slice(-4), person.citizen_id.slice(-4))
  await calmShot('resident-detail-masked')

  await click(d, 'reveal-citizen_id')
  assert.equal(
    await waitText(d, 'number-citizen_id', (t) => !t.includes('*'), 'the full number'),
    person.citizen_id,
  )
  await calmShot('resident-detail-revealed')
})

test('a resident added with a wrong check character is told the right one, then saved and synced', async () => {
  // An odd order number (the 17th digit) is a man's.
  const first17 = `41010819800517${String((Date.now() % 500) * 2 + 1).padStart(3, '0')}`
  const right = idCheckChar(first17)
  const wrong = right === '0' ? '1' : '0'

  await click(d, 'resident-household')
  const household = await find(d, 'household-detail')
  assert.equal(await household.getAttribute('data-id'), person.household_id)
  await calmShot('household-detail')
  await click(d, 'household-add-resident')
  await find(d, 'resident-form')
  await type(d, 'field-name', '李新民')
  await type(d, 'field-citizen_id', first17 + wrong)
  const message = await waitFor('the check character message', async () => {
    const errors = await d.findElements(By.css('.van-field__error-message'))
    for (const el of errors) {
      const text = (await el.getText()).trim()
      if (text.includes('校验位')) return text
    }
    return false
  })
  assert.equal(message, `身份证号校验位不正确，校验位应为“${right}”`)
  await calmShot('resident-form-check-char')
  await setViewport(d, 414, 896)
  await calmShot('resident-form-check-char')
  await setViewport(d, 360, 640)

  await type(d, 'field-citizen_id', first17 + right)
  await waitFor('the message to clear and the birth date to fill', async () =>
    (await (await find(d, 'field-birth_date')).getAttribute('value')) === '1980-05-17')
  await click(d, 'field-relation-child')
  await click(d, 'row-form-save')

  const detail = await find(d, 'resident-detail')
  const id = await detail.getAttribute('data-id')
  await find(d, 'pending-mark')
  await calmShot('resident-detail-new-pending')
  assert.equal(relaySql(relay, `SELECT id FROM residents WHERE id = ${sqlText(id)}`).length, 0)

  await syncFromHome(d)
  const [row] = relaySql(
    relay,
    `SELECT name, citizen_id, household_id, gender, birth_date, relation, grid_code
       FROM residents WHERE id = ${sqlText(id)}`,
  )
  assert.deepEqual(row, {
    name: '李新民',
    citizen_id: first17 + right,
    household_id: person.household_id,
    gender: 'male',
    birth_date: '1980-05-17',
    relation: 'child',
    grid_code: leader.grid_code,
  })
})

test('a phone number changed on two phones shows as a conflict and is settled', async () => {
  const ours = '13912340001'
  const theirs = '13712340002'
  await click(d, 'tab-registry')
  await click(d, 'registry-search')
  await type(d, 'search-input', person.initials)
  await tap(d, await findCss(d, `[data-test="search-hit"][data-id="${person.id}"]`))
  await click(d, 'resident-edit')
  await type(d, 'field-phone', ours)
  await click(d, 'row-form-save')
  await find(d, 'resident-detail')

  // The leader's tablet changed the same number from the same version, later.
  const [{ version }] = relaySql(relay, `SELECT version FROM residents WHERE id = ${sqlText(person.id)}`)
  const login = await fetch(`${relay.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: leader.account, password: leader.password, device_id: 'e2e-tablet' }),
  })
  assert.equal(login.status, 200, await login.clone().text())
  const { token } = await login.json()
  const now = Date.now()
  const push = await fetch(`${relay.url}/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      ops: [{
        id: randomUUID(),
        entity: 'resident',
        row_id: person.id,
        action: 'update',
        fields: { base_version: version, set: { phone: theirs } },
        author: leader.account,
        device_id: 'e2e-tablet',
        hlc: `${String(now).padStart(15, '0')}-00000-e2e-tablet`,
        created_at_ms: now,
      }],
    }),
  })
  const pushed = await push.json()
  assert.equal(pushed.results?.[0]?.outcome, 'applied', JSON.stringify(pushed))

  await syncFromHome(d)
  await click(d, 'tab-registry')
  await click(d, 'registry-conflicts')
  await find(d, 'conflict-item')
  assert.equal(await textOf(d, 'conflict-kept'), '137****0002', 'the later edit is in place, masked')
  assert.equal(await textOf(d, 'conflict-other'), '139****0001')
  await calmShot('conflicts')

  await click(d, 'conflict-use-other')
  await find(d, 'conflicts-empty')
  await calmShot('conflicts-settled')
  await syncFromHome(d)
  const [row] = relaySql(relay, `SELECT phone FROM residents WHERE id = ${sqlText(person.id)}`)
  assert.equal(row.phone, ours, 'the leader chose the value from this phone')
  const open = relaySql(
    relay,
    `SELECT id FROM conflicts WHERE row_id = ${sqlText(person.id)} AND resolved_at_ms IS NULL`,
  )
  assert.deepEqual(open, [], 'the relay records the conflict settled')
})

test('offline, the registry and its search still work from the phone’s copy, and say so', async () => {
  await relay.stop()
  try {
    await click(d, 'tab-home')
    await click(d, 'sync-now')
    await waitText(d, 'sync-error', (t) => t.length > 0, 'the offline error')

    await click(d, 'tab-registry')
    await find(d, 'offline-note')
    assert.ok((await d.findElements(By.css('[data-test="household-item"]'))).length > 0)
    await calmShot('registry-offline')
    await click(d, 'registry-search')
    await type(d, 'search-input', person.initials)
    await findCss(d, `[data-test="search-hit"][data-id="${person.id}"]`)
    await find(d, 'offline-note')
    await calmShot('search-offline')
  } finally {
    await relay.start()
  }
})
