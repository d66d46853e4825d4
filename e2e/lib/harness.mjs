// Real parts for the end-to-end tests: a relay process with a demo district
// on a fresh SQLite file, tauri-driver driving the real app binary, and a
// WebDriver session on it. Everything listens on 127.0.0.1 only.

import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Builder, By, until } from 'selenium-webdriver'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const SHARED = process.env.GRIDLINE_SHARED ?? resolve(ROOT, '../shared')
export const ARTIFACTS = resolve(ROOT, 'artifacts/e2e')
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target')
export const APP_BIN = process.env.GRIDLINE_APP_BIN ?? join(TARGET, 'debug/gridline')
export const RELAY_BIN = process.env.GRIDLINE_RELAY_BIN ?? join(TARGET, 'debug/gridline-relay')

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => res(port))
    })
  })
}

/** Polls `check` every 100 ms until it returns truthy or `ms` pass. */
export async function waitFor(what, check, ms = 15000) {
  const deadline = Date.now() + ms
  let last
  while (Date.now() < deadline) {
    try {
      const v = await check()
      if (v) return v
    } catch (e) {
      last = e
    }
    await sleep(100)
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ''}`)
}

/** Builds a small demo district in a new folder and returns its credentials. */
export function buildDemo(workDir) {
  const data = join(workDir, 'relay')
  const run = spawnSync(
    RELAY_BIN,
    [
      'demo',
      '--data', data,
      '--divisions', join(SHARED, 'data/divisions'),
      '--grids-per-community', '1',
      '--households-per-grid', '40',
      '--enterprises-per-grid', '3',
      '--open-issues-per-grid', '1',
    ],
    { encoding: 'utf8' },
  )
  if (run.status !== 0) throw new Error(`demo failed: ${run.stderr}`)
  const credentials = JSON.parse(readFileSync(join(data, 'demo-credentials.json'), 'utf8'))
  return { data, credentials }
}

/** A relay process serving `data` on a fixed port, stoppable and restartable. */
export class Relay {
  constructor(data, port) {
    this.data = data
    this.port = port
    this.url = `http://127.0.0.1:${port}`
    this.proc = null
    this.log = join(data, '..', 'relay.log')
  }

  async start() {
    const out = []
    this.proc = spawn(RELAY_BIN, ['serve', '--data', this.data, '--listen', `127.0.0.1:${this.port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.proc.stdout.on('data', (d) => out.push(d))
    this.proc.stderr.on('data', (d) => out.push(d))
    this.proc.on('exit', () => writeFileSync(this.log, Buffer.concat(out), { flag: 'a' }))
    await waitFor('the relay to answer /healthz', async () => (await fetch(`${this.url}/healthz`)).ok)
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return
    const exited = new Promise((r) => this.proc.once('exit', r))
    this.proc.kill('SIGTERM')
    await Promise.race([exited, sleep(5000)])
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL')
    await waitFor('the relay port to close', async () => {
      try {
        await fetch(`${this.url}/healthz`)
        return false
      } catch {
        return true
      }
    })
  }
}

/** tauri-driver plus a WebDriver session on the real app binary. */
export async function startApp(workDir, env) {
  const home = join(workDir, 'home')
  for (const d of ['data', 'cache', 'config', 'app']) mkdirSync(join(home, d), { recursive: true })
  const port = 4444
  const driver = spawn('tauri-driver', ['--port', String(port)], {
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
  driver.stdout.on('data', (d) => log.push(d))
  driver.stderr.on('data', (d) => log.push(d))
  driver.on('exit', () => writeFileSync(join(workDir, 'tauri-driver.log'), Buffer.concat(log)))
  // WebKitWebDriver must be listening before the first session request.
  await waitFor('tauri-driver to listen', () => portOpen(port))
  await waitFor('WebKitWebDriver to listen', () => portOpen(4445))
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
      await Promise.race([exited, sleep(5000)])
    },
  }
}

async function portOpen(port) {
  const { connect } = await import('node:net')
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      res(true)
    })
    s.once('error', () => res(false))
  })
}

/** A fresh working folder for one test run. */
export function workDir() {
  return mkdtempSync(join(tmpdir(), 'gridline-e2e-'))
}

/** Keeps the logs of a run beside the screenshots and removes its folder. */
export function cleanUp(work) {
  mkdirSync(ARTIFACTS, { recursive: true })
  for (const log of ['relay.log', 'tauri-driver.log']) {
    if (existsSync(join(work, log))) copyFileSync(join(work, log), join(ARTIFACTS, log))
  }
  rmSync(work, { recursive: true, force: true })
}

// ----- page helpers -------------------------------------------------------

export const css = (test) => By.css(`[data-test="${test}"]`)

export async function find(d, test, ms = 15000) {
  return d.wait(until.elementLocated(css(test)), ms, `element [data-test=${test}] never appeared`)
}

export async function textOf(d, test, ms = 15000) {
  const el = await find(d, test, ms)
  return (await el.getText()).trim()
}

/** Waits until the element's text satisfies `pred`; returns the text. */
export async function waitText(d, test, pred, what, ms = 15000) {
  return waitFor(`${what} (in [data-test=${test}])`, async () => {
    const t = await textOf(d, test, 1000)
    return pred(t) ? t : false
  }, ms)
}

export async function click(d, test) {
  const el = await find(d, test)
  await d.wait(until.elementIsVisible(el), 10000)
  await d.executeScript('arguments[0].scrollIntoView({block: "center"})', el)
  // A closing popup's overlay fades out for a moment and takes the click:
  // try again while it goes, for at most three seconds.
  for (let attempt = 0; ; attempt++) {
    try {
      await el.click()
      return
    } catch (e) {
      if (e.name !== 'ElementClickInterceptedError' || attempt >= 15) throw e
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

export async function type(d, test, text) {
  const el = await find(d, test)
  await d.executeScript('arguments[0].scrollIntoView({block: "center"})', el)
  await el.clear()
  await el.sendKeys(text)
}

export async function screenshot(d, name) {
  mkdirSync(ARTIFACTS, { recursive: true })
  writeFileSync(join(ARTIFACTS, `${name}.png`), await d.takeScreenshot(), 'base64')
}

// ----- additions for the task and registry tests ---------------------------

export const SCREENSHOTS = join(ARTIFACTS, 'screenshots')

/** Resizes the app window so the web view is `width` × `height` CSS pixels. */
export async function setViewport(d, width, height) {
  await d.manage().window().setRect({ width, height })
  // Window decorations (if any) take their share: grow the window by the difference.
  const inner = await d.executeScript('return [window.innerWidth, window.innerHeight]')
  if (inner[0] !== width || inner[1] !== height) {
    const rect = await d.manage().window().getRect()
    await d.manage().window().setRect({
      width: rect.width + (width - inner[0]),
      height: rect.height + (height - inner[1]),
    })
  }
  return d.executeScript('return [window.innerWidth, window.innerHeight]')
}

/** A screenshot into artifacts/e2e/screenshots/, named with the viewport it was taken at. */
export async function shot(d, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const [w, h] = await d.executeScript('return [window.innerWidth, window.innerHeight]')
  writeFileSync(join(SCREENSHOTS, `${name}-${w}x${h}.png`), await d.takeScreenshot(), 'base64')
}

/** A string as an SQL literal. */
export const sqlText = (value) => `'${String(value).replaceAll("'", "''")}'`

/** Rows of a read-only query on the relay's database (sqlite3 CLI, JSON output). */
export function relaySql(relay, sql) {
  const run = spawnSync('sqlite3', ['-readonly', '-json', join(relay.data, 'relay.db'), sql], {
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`sqlite3 failed: ${run.stderr}`)
  return run.stdout.trim() === '' ? [] : JSON.parse(run.stdout)
}

/** The first element matching a CSS selector, once it is there. */
export async function findCss(d, selector, ms = 15000) {
  return d.wait(until.elementLocated(By.css(selector)), ms, `${selector} never appeared`)
}

/** Clicks an element (scrolled to the middle of the view first). */
export async function tap(d, el) {
  await d.executeScript('arguments[0].scrollIntoView({block: "center"})', el)
  await d.wait(until.elementIsVisible(el), 10000)
  await el.click()
}
