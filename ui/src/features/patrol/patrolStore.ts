/**
 * The running patrol, as every screen sees it, and the feeder of its track. The feeder
 * lives here rather than in the patrol screen because a leader on patrol spends most of
 * the time on other screens (a report, a household) and the track must go on meanwhile.
 * It asks the phone for a position about every {@link TRACK_INTERVAL_MS} and hands each
 * real fix to the core, which keeps or discards it (inaccurate, a jump).
 *
 * Known gap: a webview put in the background by the phone stops its timers, so the
 * track pauses while the screen is off; it resumes when the app comes back. A native
 * background location service would close that gap.
 */
import { computed, readonly, ref, shallowRef, watch } from 'vue'

import * as api from '@/api'
import { toAppError, type AppError } from '@/errors'
import { session } from '@/session/session'
import type { PatrolItem, PhotoInfo, Position } from '@/types'

import { requestDeviceFix } from '../report/deviceFix'
import type { PickedSubject } from '../report/subject'

export const TRACK_INTERVAL_MS = 15_000

/** A visit recorded while the app has been open, kept to turn its findings into a report. */
export interface RecordedVisit {
  id: string
  subject: PickedSubject
  note: string
  photo: PhotoInfo | null
  position: Position | null
  atMs: number
}

export interface TrackFix {
  lat: number
  lon: number
  accuracyM: number | null
  atMs: number
  /** Whether the core kept it in the track. */
  kept: boolean
}

const current = ref<PatrolItem | null>(null)
const loaded = ref(false)
const loadError = ref<AppError | null>(null)
const lastFix = shallowRef<TrackFix | null>(null)
/** The last attempt found no position at all. */
const noFix = ref(false)
const recorded = ref<RecordedVisit[]>([])
let timer: ReturnType<typeof setInterval> | undefined
let feeding = false
let following = false

export const patrol = readonly(current)
export const patrolLoaded = readonly(loaded)
export const patrolError = readonly(loadError)
export const patrolFix = readonly(lastFix)
export const patrolNoFix = readonly(noFix)
export const recordedVisits = readonly(recorded)
export const patrolRunning = computed(
  () => current.value !== null && current.value.endedAtMs === null,
)

/** Asks the core whether a patrol runs (it survives restarts) and follows it. */
export async function loadPatrol(): Promise<void> {
  try {
    current.value = await api.currentPatrol()
    loaded.value = true
    loadError.value = null
  } catch (reason) {
    loadError.value = toAppError(reason)
  }
  if (patrolRunning.value) startTracking()
  else stopTracking()
}

/** Starts a patrol (or picks up the running one) and starts feeding its track. */
export async function beginPatrol(): Promise<void> {
  current.value = await api.startPatrol()
  loaded.value = true
  startTracking()
}

export async function endPatrol(): Promise<PatrolItem | null> {
  stopTracking()
  const ended = await api.stopPatrol()
  current.value = null
  return ended
}

export function rememberVisit(visit: RecordedVisit): void {
  recorded.value = [visit, ...recorded.value]
  if (current.value) current.value = { ...current.value, visits: current.value.visits + 1 }
}

/** One round of the feeder: a position from the phone, to the core, then fresh totals. */
export async function feedTrack(): Promise<void> {
  if (feeding || !patrolRunning.value) return
  feeding = true
  try {
    const fix = await requestDeviceFix()
    if (!fix) {
      noFix.value = true
      return
    }
    noFix.value = false
    const kept = await api.trackPoint({ ...fix, source: 'device' })
    lastFix.value = { ...fix, atMs: Date.now(), kept }
    if (kept) current.value = await api.currentPatrol()
  } catch {
    // A failed round is skipped; the next one tries again.
  } finally {
    feeding = false
  }
}

function startTracking(): void {
  if (timer !== undefined) return
  void feedTrack()
  timer = setInterval(() => void feedTrack(), TRACK_INTERVAL_MS)
}

function stopTracking(): void {
  clearInterval(timer)
  timer = undefined
}

/** Follows the session: a patrol left running resumes after a restart, and ends with a logout. */
export function followPatrol(): void {
  if (following) return
  following = true
  watch(
    () => session.value?.account,
    (account) => {
      if (account) {
        void loadPatrol()
        return
      }
      stopTracking()
      current.value = null
      loaded.value = false
      lastFix.value = null
      noFix.value = false
      recorded.value = []
    },
    { immediate: true },
  )
}

/** For tests: forgets everything, as after a fresh start. */
export function resetPatrolStore(): void {
  stopTracking()
  current.value = null
  loaded.value = false
  loadError.value = null
  lastFix.value = null
  noFix.value = false
  recorded.value = []
  feeding = false
}
