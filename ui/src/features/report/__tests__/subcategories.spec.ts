import { describe, expect, it } from 'vitest'

import en from '@/i18n/en'
import zhCN from '@/i18n/zh-CN'
import { DOMAIN_CODES, SUBCATEGORIES } from '@/types'

describe('sub-categories', () => {
  it('should give every domain four sub-categories, each named in both languages', () => {
    for (const domain of DOMAIN_CODES) {
      const codes: readonly string[] = SUBCATEGORIES[domain]

      expect(codes, domain).toHaveLength(4)
      for (const code of codes) {
        expect(zhCN.subcategories, code).toHaveProperty(code)
        expect(en.subcategories, code).toHaveProperty(code)
      }
    }
  })

  it('should use codes unique across domains, as the core requires', () => {
    const all = DOMAIN_CODES.flatMap((domain) => [...SUBCATEGORIES[domain]])

    expect(new Set(all).size).toBe(all.length)
    expect(Object.keys(zhCN.subcategories).sort()).toEqual([...all].sort())
  })
})
