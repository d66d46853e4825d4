/**
 * A report started from somewhere else: a visit's findings or a point tapped on the
 * map. The report screen stays alive in the background with a half-written draft, so
 * the hand-over is a value it watches rather than route parameters (photos and a
 * chosen subject do not fit in a URL).
 */
import { shallowRef } from 'vue'

import type { PhotoInfo, Position } from '@/types'

import type { PickedSubject } from './subject'

/** The parts of the report to set; a part left out keeps what the draft holds. */
export interface ReportPrefill {
  description?: string
  photos?: PhotoInfo[]
  position?: Position | null
  subject?: PickedSubject | null
}

const pending = shallowRef<ReportPrefill | null>(null)

/** The prefill waiting for the report screen; read it with {@link takeReportPrefill}. */
export const pendingReportPrefill = pending

/** Hands a draft to the report screen; the caller then navigates to it. */
export function prefillReport(prefill: ReportPrefill): void {
  pending.value = prefill
}

/** The waiting prefill, once: taking it clears it. */
export function takeReportPrefill(): ReportPrefill | null {
  const prefill = pending.value
  pending.value = null
  return prefill
}
