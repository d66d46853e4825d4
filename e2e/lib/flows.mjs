// Steps several end-to-end tests share: logging in, syncing from the home
// screen, and the facts of the demo district the tests check against.

import { By } from 'selenium-webdriver'

import { click, css, textOf, type, waitFor, waitText } from './harness.mjs'

/** Logs in as a demo leader and waits for the home screen with the grid. */
export async function logIn(d, relayUrl, leader) {
  await type(d, 'login-server', relayUrl)
  await type(d, 'login-account', leader.account)
  await type(d, 'login-password', leader.password)
  await click(d, 'login-submit')
  await waitText(d, 'home-grid-name', (t) => t === leader.grid_name, 'the home screen', 60000)
}

/** Syncs from the home screen and waits until nothing is left to send. */
export async function syncFromHome(d) {
  await click(d, 'tab-home')
  await click(d, 'sync-now')
  await waitText(d, 'sync-pending', (t) => t === '0', 'the outbox to empty', 30000)
  // The button is busy while the sync runs; wait for it to finish.
  await waitFor('the sync to finish', async () => {
    const button = await d.findElement(css('sync-now'))
    return (await button.getAttribute('class')).includes('van-button--loading') === false
  })
  return textOf(d, 'sync-last')
}

/** Every element with this data-test, with the given attribute values. */
export async function allWith(d, test, attribute) {
  const elements = await d.findElements(By.css(`[data-test="${test}"]`))
  return Promise.all(elements.map((el) => el.getAttribute(attribute)))
}

/** The whole text of an element, line-clamped parts included (WebKit omits those). */
export const allText = (d, el) => d.executeScript('return arguments[0].textContent', el)

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/** The GB 11643 check character (MOD 11-2) for the first 17 digits of an ID number. */
export function idCheckChar(first17) {
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * ID_WEIGHTS[i], 0)
  return '10X98765432'[sum % 11]
}

/** Waits until no toast is showing: one can sit over the button a test taps next. */
export async function toastsGone(d) {
  await waitFor('toasts to close', () =>
    d.executeScript(
      "return [...document.querySelectorAll('.van-toast')].every((t) => getComputedStyle(t).display === 'none')",
    ), 8000)
}

/**
 * Waits until the bottom sheet holding `test` has slid fully in. On a loaded
 * machine the web view can take seconds over the slide, and a tap during it
 * lands on the sheet's moving edge or on nothing.
 */
export async function panelOpen(d, test) {
  await waitFor(`the ${test} sheet to open`, () =>
    d.executeScript(
      `const el = document.querySelector('[data-test="${test}"]')
       const sheet = el && el.closest('.van-popup')
       return !!sheet && getComputedStyle(sheet).display !== 'none'
         && !/-(enter|leave)-active/.test(sheet.className)`,
    ), 20000)
}

/** Waits until no bottom sheet is showing or moving. */
export async function panelClosed(d) {
  await waitFor('the sheet to close', () =>
    d.executeScript(
      `return [...document.querySelectorAll('.van-popup:not(.van-toast)')].every(
         (p) => getComputedStyle(p).display === 'none')`,
    ), 20000)
}
