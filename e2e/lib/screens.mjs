// Helpers for the end-to-end tests of the leader's own screens (patrol, map,
// settings): phone-sized windows, screenshots kept per screen, the steps
// every test repeats, and reading the relay's database directly.

import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { Builder, By, until } from 'selenium-webdriver'

import {
  APP_BIN, ARTIFACTS, click, css, find, freePort, textOf, type, waitFor, waitText,
} from './harness.mjs'

export const SCREENSHOTS = join(ARTIFACTS, 'screenshots')

/**
 * Like the harness's startApp, but tauri-driver and WebKitWebDriver listen
 * on free ports, so these tests can run beside another end-to-end run.
 */
export async function startAppOnFreePorts(workDir, env) {
  const home = join(workDir, 'home')
  for (const dir of ['data', 'cache', 'config', 'app']) mkdirSync(join(home, dir), { recursive: true })
  const port = await freePort()
  const nativePort = await freePort()
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CACHE_HOME: join(home, 'cache'),
      XDG_CONFIG_HOME: join(home, 'config'),
      GRIDLINE_DATA_DIR: join(home, 'app'),
      ...env,
    },
  })
  const log = []
  driver.stdout.on('data', (chunk) => log.push(chunk))
  driver.stderr.on('data', (chunk) => log.push(chunk))
  driver.on('exit', () => writeFileSync(join(workDir, 'tauri-driver.log'), Buffer.concat(log)))
  await waitFor('tauri-driver to listen', () => listening(port))
  await waitFor('WebKitWebDriver to listen', () => listening(nativePort))
  const session = await new Builder()
    .usingServer(`http://127.0.0.1:${port}/`)
    .withCapabilities({ browserName: 'wry', 'tauri:options': { application: APP_BIN } })
    .build()
  return {
    session,
    dataDir: join(home, 'app'),
    async stop() {
      await session.quit().catch(() => {})
      const exited = new Promise((r) => driver.once('exit', r))
      driver.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    },
  }
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** The phones the screens are checked on: a small Android and a large iPhone. */
export const PHONES = {
  small: { width: 360, height: 640 },
  large: { width: 414, height: 896 },
}

/**
 * Sizes the window so the web view's own viewport is `width` x `height`
 * CSS pixels; window decorations (if any) are measured and added.
 */
export async function setViewport(d, { width, height }) {
  await d.manage().window().setRect({ width, height })
  await waitFor(`a ${width}x${height} viewport`, async () => {
    const [w, h] = await d.executeScript('return [window.innerWidth, window.innerHeight]')
    if (w === width && h === height) return true
    const rect = await d.manage().window().getRect()
    await d.manage().window().setRect({ width: rect.width + width - w, height: rect.height + height - h })
    return false
  }, 10000)
}

/** Saves a screenshot as artifacts/e2e/screenshots/<name>.png. */
export async function shot(d, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // The resting screen: no toast over it, transitions (popups) settled.
  await toastGone(d).catch(() => {})
  await new Promise((r) => setTimeout(r, 350))
  writeFileSync(join(SCREENSHOTS, `${name}.png`), await d.takeScreenshot(), 'base64')
}

/** A screenshot at each phone size; the window ends at the small size. */
export async function shotBoth(d, name) {
  await setViewport(d, PHONES.large)
  await shot(d, `${name}-414x896`)
  await setViewport(d, PHONES.small)
  await shot(d, `${name}-360x640`)
}

export async function login(d, relay, leader) {
  await type(d, 'login-server', relay.url)
  await type(d, 'login-account', leader.account)
  await type(d, 'login-password', leader.password)
  await click(d, 'login-submit')
  await waitText(d, 'home-grid-name', (t) => t.length > 0, 'the home screen after login', 60000)
}

/** Answers the open Vant confirmation dialog. */
export async function answerDialog(d, button = 'confirm') {
  const el = await d.wait(
    until.elementLocated(By.css(`.van-dialog .van-dialog__${button}`)),
    10000,
    'no confirmation dialog appeared',
  )
  await d.wait(until.elementIsVisible(el), 10000)
  await el.click()
}

/** The text of the open Vant dialog. */
export async function dialogText(d) {
  const el = await d.wait(until.elementLocated(By.css('.van-dialog')), 10000)
  await d.wait(until.elementIsVisible(el), 10000)
  return (await el.getText()).trim()
}

/** Waits until no toast covers the screen (a toast takes the taps under it). */
export async function toastGone(d) {
  await waitFor('the toast to go', async () => {
    for (const el of await d.findElements(By.css('.van-toast'))) {
      if (await el.isDisplayed().catch(() => false)) return false
    }
    return true
  }, 10000)
}

/** Opens one of the screens under the "more" tab. */
export async function openMore(d, entry) {
  await click(d, 'tab-more')
  await click(d, `more-${entry}`)
}

/**
 * Syncs from the home screen: waits for the outbox to empty and for the
 * "sync finished" toast, then for it to go, so the next sync's toast is new.
 */
export async function syncFromHome(d) {
  await click(d, 'tab-home')
  await click(d, 'sync-now')
  await waitText(d, 'sync-pending', (t) => t === '0', 'the outbox to empty', 60000).catch(
    async (failure) => {
      const error = await textOf(d, 'sync-error', 1000).catch(() => '')
      throw new Error(`${failure.message}; the sync said: ${error || 'nothing'}`)
    },
  )
  const toast = await waitFor('the sync-finished toast', async () => {
    for (const el of await d.findElements(By.css('.van-toast'))) {
      if ((await el.isDisplayed()) && (await el.getText()).includes('同步完成')) return el
    }
    return false
  }, 60000)
  await waitFor('the toast to go', async () => !(await toast.isDisplayed().catch(() => false)), 10000)
}

/** Rows of a query on the relay's database, as arrays of strings (sqlite3 CLI). */
export function relayRows(dataDir, sql) {
  const run = spawnSync('sqlite3', ['-readonly', '-separator', '\t', join(dataDir, 'relay.db'), sql], {
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`sqlite3 failed: ${run.stderr}`)
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'))
}

/**
 * The whole text of an element from the DOM: WebDriver's visible text leaves
 * out what is scrolled away or line-clamped.
 */
export async function domText(d, test) {
  const el = await find(d, test)
  return (await d.executeScript('return arguments[0].textContent', el)).trim()
}

/** All elements with a data-test hook. */
export async function findAll(d, test) {
  return d.findElements(css(test))
}
