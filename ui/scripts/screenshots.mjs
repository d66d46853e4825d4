// Renders the built app (ui/dist) in headless Chromium at phone size with a stubbed
// Tauri bridge, saves a screenshot per screen and state, and checks that every
// data-test hook the end-to-end tests rely on sits on the right kind of element.
//
//   npm run build && npm run screenshots            # writes to /tmp/gridline-shots
//   SHOTS_DIR=/some/dir CHROMIUM=/usr/bin/chromium npm run screenshots
//
// Serves dist on 127.0.0.1 on a free port only for the run and closes it at the end.
import { existsSync, readFileSync, mkdirSync, readdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

import { chromium } from 'playwright-core'

const here = fileURLToPath(new URL('.', import.meta.url))
const dist = join(here, '..', 'dist')
const photosDir = process.env.PHOTOS_DIR ?? join(here, '..', '..', '..', 'shared', 'data', 'photos')
const outDir = process.env.SHOTS_DIR ?? '/tmp/gridline-shots'
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium'
const stubSource = readFileSync(join(here, 'tauri-stub.js'), 'utf8')

if (!existsSync(join(dist, 'index.html'))) {
  console.error('ui/dist is missing: run `npm run build` first')
  process.exit(1)
}
mkdirSync(outDir, { recursive: true })

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
}
const photoNames = existsSync(photosDir)
  ? readdirSync(photosDir)
      .filter((n) => /\.jpe?g$/i.test(n))
      .slice(0, 4)
  : []

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname)
  const file = path.startsWith('/photos/')
    ? join(photosDir, normalize(path.slice('/photos/'.length)).replace(/^(\.\.[/\\])+/, ''))
    : join(dist, normalize(path === '/' ? '/index.html' : path).replace(/^(\.\.[/\\])+/, ''))
  if (!existsSync(file)) {
    res.writeHead(404).end()
    return
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
  })
  res.end(readFileSync(file))
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`
const photoUrls = photoNames.map((n) => `${origin}/photos/${encodeURIComponent(n)}`)

const browser = await chromium.launch({
  executablePath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
})

const problems = []
function check(ok, what) {
  if (!ok) problems.push(what)
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
}

async function open(stub, hash, { locale = 'zh-CN', geolocation = null, size = [360, 640] } = {}) {
  const context = await browser.newContext({
    viewport: { width: size[0], height: size[1] },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    ...(geolocation ? { geolocation, permissions: ['geolocation'] } : {}),
  })
  const page = await context.newPage()
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      console.log(`  console.${m.type()}: ${m.text()}`)
  })
  await page.addInitScript(
    ({ stub, locale }) => {
      window.__GRIDLINE_STUB__ = stub
      localStorage.setItem('gridline.locale', locale)
    },
    { stub: { photoUrls, ...stub }, locale },
  )
  await page.addInitScript(stubSource)
  await page.goto(`${origin}/#${hash}`)
  await page.waitForTimeout(400)
  return { page, context }
}

async function shot(page, name, fullPage = false) {
  await page.waitForTimeout(250)
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage })
  console.log(`shot ${name}.png`)
}

const tagOf = (page, test) =>
  page.$eval(`[data-test="${test}"]`, (el) => el.tagName.toLowerCase()).catch(() => null)

// --- Login -------------------------------------------------------------------------
{
  const { page, context } = await open({ loggedIn: false, loginError: 'login_failed' }, '/home')
  check((await page.url()).includes('#/login'), 'no session: app lands on login')
  for (const t of ['login-server', 'login-account', 'login-password']) {
    check((await tagOf(page, t)) === 'input', `${t} is a native <input>`)
  }
  check(
    (await page.inputValue('[data-test="login-server"]')) === 'http://127.0.0.1:8787',
    'server prefilled from defaultServer()',
  )
  await shot(page, '01-login')
  await page.fill('[data-test="login-account"]', 'wgz0103')
  await page.fill('[data-test="login-password"]', 'wrong')
  await page.click('[data-test="login-submit"]')
  await page.waitForSelector('[data-test="login-error"]')
  check(
    (await page.textContent('[data-test="login-error"]')).includes('账号或密码不正确'),
    'login error localized by code',
  )
  await shot(page, '02-login-error')
  await context.close()
}
{
  const { page, context } = await open({ loggedIn: false, loginHang: true }, '/login')
  await page.fill('[data-test="login-account"]', 'wgz0103')
  await page.fill('[data-test="login-password"]', 'secret')
  await page.click('[data-test="login-submit"]')
  await page.waitForTimeout(200)
  check(
    (await page.textContent('[data-test="login-submit"]')).includes('正在下载网格数据'),
    'login shows download progress',
  )
  await shot(page, '03-login-loading')
  await context.close()
}

// --- Home ----------------------------------------------------------------------------
{
  const { page, context } = await open({}, '/home')
  await page.waitForSelector('[data-test="home-grid-name"]')
  check(
    (await page.textContent('[data-test="home-residents"]')).trim() === '1286',
    'home-residents text is the number',
  )
  check(
    (await page.textContent('[data-test="sync-pending"]')).trim() === '2',
    'sync-pending text is the number',
  )
  check(
    (await page.getAttribute('[data-test="sync-indicator"]', 'data-pending')) === '2',
    'indicator data-pending',
  )
  check(
    (await page.getAttribute('[data-test="sync-indicator"]', 'data-state')) === 'idle',
    'indicator idle',
  )
  for (const t of [
    'tab-home',
    'tab-report',
    'tab-my-reports',
    'tab-tasks',
    'home-grid-code',
    'home-district',
    'home-township',
    'home-community',
    'home-households',
    'home-enterprises',
    'home-open-issues',
    'sync-last',
    'sync-now',
  ]) {
    check((await tagOf(page, t)) !== null, `${t} present`)
  }
  await shot(page, '04-home')
  await page.click('[data-test="sync-now"]')
  await page.waitForTimeout(100)
  check(
    (await page.getAttribute('[data-test="sync-indicator"]', 'data-state')) === 'syncing',
    'indicator syncing while syncing',
  )
  await shot(page, '05-home-syncing')
  await page.waitForTimeout(600)
  check(
    (await page.textContent('[data-test="sync-pending"]')).trim() === '0',
    'pending drops after sync',
  )
  await shot(page, '06-home-synced')
  await page.click('[data-test="menu"]')
  await shot(page, '07-menu')
  await context.close()
}
{
  const { page, context } = await open(
    { syncError: 'relay_unreachable', rejected: 1, pending: 3, syncNowError: 'relay_unreachable' },
    '/home',
  )
  await page.waitForSelector('[data-test="sync-error"]')
  check(
    (await page.getAttribute('[data-test="sync-indicator"]', 'data-state')) === 'error',
    'indicator error on lastError',
  )
  check(
    (await page.textContent('[data-test="sync-error"]')).includes('连不上服务器'),
    'sync-error localized',
  )
  await shot(page, '08-home-offline')
  await page.click('[data-test="sync-now"]')
  await page.waitForTimeout(500)
  await shot(page, '09-home-sync-failed-toast')
  await context.close()
}
{
  const { page, context } = await open({}, '/home', { locale: 'en' })
  await page.waitForSelector('[data-test="home-grid-name"]')
  await shot(page, '10-home-en')
  await context.close()
}

// --- Report --------------------------------------------------------------------------
{
  const { page, context } = await open({}, '/report')
  await page.waitForSelector('[data-test="report-domain-work_safety"]')
  check(
    (await tagOf(page, 'report-description')) === 'textarea',
    'report-description is a native <textarea>',
  )
  check(
    (await tagOf(page, 'report-photo-input')) === 'input',
    'report-photo-input is a native <input>',
  )
  check(
    (await tagOf(page, 'report-lat')) === 'input' && (await tagOf(page, 'report-lon')) === 'input',
    'lat/lon are native inputs',
  )
  const display = await page.$eval(
    '[data-test="report-photo-input"]',
    (el) => getComputedStyle(el).display,
  )
  check(display !== 'none', 'photo input is not display:none')
  await shot(page, '11-report-empty')
  await page.click('[data-test="report-submit"]')
  await page.waitForSelector('[data-test="report-error"]')
  check(
    (await page.textContent('[data-test="report-error"]')).includes('请选择事件类别'),
    'submit without domain is refused',
  )
  await shot(page, '12-report-error')

  await page.click('[data-test="report-use-device-position"]')
  await page.waitForSelector('[data-test="report-no-fix"]', { timeout: 12_000 })
  await shot(page, '13-report-no-fix')
  await page.click('[data-test="report-domain-illegal_construction"]')
  await page.click('[data-test="report-focus-urban_management"]')
  await page.fill(
    '[data-test="report-description"]',
    '石佛村东街 12 号院内正在加盖二层彩钢房，未见规划许可公示。',
  )
  await page.fill('[data-test="report-lat"]', '91')
  await page.fill('[data-test="report-lon"]', '113.6')
  await page.locator('[data-test="report-lat"]').scrollIntoViewIfNeeded()
  await shot(page, '14-report-lat-invalid')
  await page.fill('[data-test="report-lat"]', '34.86')
  check(
    (await page.textContent('[data-test="report-position-summary"]')).trim() ===
      '34.860000, 113.600000',
    'summary has 6 decimals',
  )

  if (photoNames[0]) {
    await page.setInputFiles('[data-test="report-photo-input"]', join(photosDir, photoNames[0]))
    await page.waitForSelector('[data-test="report-photo-thumb"]')
    const imported = await page.evaluate(() => window.__GRIDLINE_LAST_IMPORT__)
    check(
      imported && imported.isUint8Array && imported.length > 0,
      'importPhoto sends a raw Uint8Array body',
    )
    check(
      await page.isEnabled('[data-test="report-use-photo-position"]'),
      'photo position enabled after import with EXIF',
    )
  }
  await page.setInputFiles('[data-test="report-photo-input"]', {
    name: 'IMG_0001.HEIC',
    mimeType: 'image/heic',
    buffer: Buffer.from([0, 0, 0, 24]),
  })
  await page.waitForSelector('[data-test="report-photo-error"]')
  await page.locator('[data-test="report-photo-error"]').scrollIntoViewIfNeeded()
  await shot(page, '15-report-photos')
  await page.click('[data-test="report-use-photo-position"]')
  await shot(page, '16-report-filled-full', true)
  await page.click('[data-test="report-submit"]')
  await page.waitForTimeout(300)
  const created = await page.evaluate(() => window.__GRIDLINE_CREATED__)
  check(created && typeof created.report.position.lat === 'number', 'createReport gets numeric lat')
  check(page.url().includes('#/my-reports'), 'after submit: My reports')
  await shot(page, '17-after-submit')
  await context.close()
}
{
  const { page, context } = await open({}, '/report', {
    geolocation: { latitude: 34.861234, longitude: 113.598765, accuracy: 18 },
  })
  await page.click('[data-test="report-use-device-position"]')
  await page.waitForFunction(() =>
    document
      .querySelector('[data-test="report-position-summary"]')
      .textContent.includes('34.861234'),
  )
  await page.locator('[data-test="report-position-summary"]').scrollIntoViewIfNeeded()
  await shot(page, '18-report-device-fix')
  await context.close()
}

// --- My reports and tasks ------------------------------------------------------------
{
  const { page, context } = await open({}, '/my-reports')
  await page.waitForSelector('[data-test="my-report-item"]')
  const syncs = await page.$$eval('[data-test="my-report-item"]', (els) =>
    els.map((e) => e.dataset.sync),
  )
  check(syncs.join() === 'pending,synced,rejected', 'my reports carry data-sync')
  await shot(page, '19-my-reports')
  await context.close()
}
for (const [stub, name] of [
  [{ noReports: true }, '20-my-reports-empty'],
  [{ reportsError: 'storage' }, '21-my-reports-error'],
]) {
  const { page, context } = await open(stub, '/my-reports')
  await shot(page, name)
  await context.close()
}
{
  const { page, context } = await open({}, '/tasks')
  await page.waitForSelector('[data-test="task-item"]')
  check(
    (await page.getAttribute('[data-test="task-deadline"]', 'data-tone')) === 'overdue',
    'first task overdue',
  )
  await shot(page, '22-tasks')
  await context.close()
}
for (const [stub, name] of [
  [{ noTasks: true }, '23-tasks-empty'],
  [{ tasksError: 'relay_unreachable' }, '24-tasks-error'],
  [{ tasksHang: true }, '25-tasks-loading'],
]) {
  const { page, context } = await open(stub, '/tasks')
  await shot(page, name)
  await context.close()
}
{
  const { page, context } = await open({}, '/tasks', { size: [414, 896] })
  await shot(page, '26-tasks-414')
  await context.close()
}

await browser.close()
await new Promise((resolve) => server.close(resolve))
console.log(`\nscreenshots in ${outDir}`)
if (problems.length > 0) {
  console.log(`${problems.length} problem(s):\n- ${problems.join('\n- ')}`)
  process.exit(1)
}
