import type { DomainCode } from '@/types'

/** One colour per domain, distinct enough on a small screen in sunlight. */
export const DOMAIN_COLOURS: Record<DomainCode, string> = {
  illegal_production: '#7c3aed',
  illegal_business: '#db2777',
  illegal_construction: '#ea580c',
  work_safety: '#dc2626',
  petition_stability: '#0891b2',
  public_service: '#16a34a',
  grassroots_organization: '#ca8a04',
}

/** A domain this build does not know still gets drawn. */
export const OTHER_COLOUR = '#475569'
