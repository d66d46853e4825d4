/** Registry rows for the specs, as the core sends them (numbers already masked). */
import type { HouseholdItem, Page, ResidentItem } from '@/types'

export function resident(patch: Partial<ResidentItem> = {}): ResidentItem {
  return {
    id: 'res-1',
    householdId: 'hh-1',
    name: '张伟华',
    gender: 'male',
    birthDate: '1956-03-08',
    citizenId: '410108********0035',
    phone: '138****8000',
    relation: 'head',
    careTags: ['elderly_alone'],
    movedOutAtMs: null,
    pending: false,
    ...patch,
  }
}

export function household(patch: Partial<HouseholdItem> = {}): HouseholdItem {
  return {
    id: 'hh-1',
    address: '金梭路 12 号院 3 号楼 501',
    headName: '张伟华',
    members: 3,
    residents: 2,
    pending: false,
    ...patch,
  }
}

/** `count` residents numbered from `start`, as one page of `total`. */
export function residentPage(start: number, count: number, total: number): Page<ResidentItem> {
  return {
    items: Array.from({ length: count }, (_, i) =>
      resident({ id: `res-${start + i}`, name: `居民${start + i}` }),
    ),
    total,
  }
}
