/**
 * One attempt at the device's position through the webview's geolocation. Phones with
 * a weak signal can take long or never answer (and some webviews never call back while
 * a permission prompt is pending), so the attempt ends after ten seconds regardless.
 */
import { isNoFix, type Fix } from './position'

export const FIX_TIMEOUT_MS = 10_000

/** Resolves with a fix, or null when there is none to be had right now. */
export function requestDeviceFix(
  geolocation: Geolocation | undefined = globalThis.navigator?.geolocation,
): Promise<Fix | null> {
  if (!geolocation) return Promise.resolve(null)

  return new Promise((resolve) => {
    let settled = false
    const finish = (fix: Fix | null): void => {
      if (settled) return
      settled = true
      clearTimeout(guard)
      resolve(fix)
    }
    const guard = setTimeout(() => finish(null), FIX_TIMEOUT_MS)

    try {
      geolocation.getCurrentPosition(
        ({ coords }) => {
          // Desktop stubs answer 0,0 instead of failing; that is no position at all.
          if (isNoFix(coords.latitude, coords.longitude)) return finish(null)
          const accuracyM =
            Number.isFinite(coords.accuracy) && coords.accuracy > 0 ? coords.accuracy : null
          finish({ lat: coords.latitude, lon: coords.longitude, accuracyM })
        },
        () => finish(null),
        { enableHighAccuracy: true, timeout: FIX_TIMEOUT_MS, maximumAge: 30_000 },
      )
    } catch {
      finish(null)
    }
  })
}
