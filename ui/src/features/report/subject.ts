/**
 * What a report or a visit is about, as the leader picked it: the reference the core
 * takes plus the words to show for it, so a prefilled form can name it without asking
 * the registry again.
 */
import type { Hit, HitKind, SubjectRef } from '@/types'

export interface PickedSubject extends SubjectRef {
  title: string
  subtitle: string
}

export function subjectFromHit(hit: Hit): PickedSubject {
  return { entity: hit.kind, id: hit.id, title: hit.title, subtitle: hit.subtitle }
}

export function subjectRef(subject: PickedSubject | null): SubjectRef | null {
  return subject ? { entity: subject.entity, id: subject.id } : null
}

export const SUBJECT_ICONS: Record<HitKind, string> = {
  resident: 'user-o',
  household: 'wap-home-o',
  enterprise: 'shop-o',
}
