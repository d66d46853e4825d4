import { describe, expect, it } from 'vitest'

import {
  DOMAIN_CODES,
  ERROR_CODES,
  FOCUS_TAG_CODES,
  ISSUE_SOURCES,
  ISSUE_STATUSES,
  POSITION_SOURCES,
} from '@/types'

import en from '../en'
import zhCN from '../zh-CN'

type Tree = { [key: string]: string | Tree }

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(path, value)
    else for (const [k, v] of flatten(value, path)) out.set(k, v)
  }
  return out
}

const zh = flatten(zhCN)
const english = flatten(en)

/** Latin-script words a Chinese sentence may carry as they are. */
const ALLOWED_TOKENS = ['WGS-84', 'GPS', 'ID', 'HEIC', 'JPG', 'PNG']

describe('message catalogues', () => {
  it('should have exactly the same keys in zh-CN and en', () => {
    const zhKeys = [...zh.keys()].sort()
    const enKeys = [...english.keys()].sort()

    expect(enKeys, 'en must translate every zh-CN key and nothing more').toEqual(zhKeys)
  })

  it('should have no empty message in either language', () => {
    const empty = [...zh, ...english].filter(([, text]) => text.trim() === '')

    expect(empty).toEqual([])
  })

  it('should keep English words out of zh-CN apart from the allowed tokens', () => {
    const offenders = [...zh].filter(([, text]) => {
      let rest = text.replace(/\{\w+\}/g, '')
      for (const token of ALLOWED_TOKENS) rest = rest.split(token).join('')
      return /[A-Za-z]/.test(rest)
    })

    expect(offenders, 'zh-CN messages should be Chinese').toEqual([])
  })

  it('should name every domain, focus tag, status, source and position source', () => {
    const expected = [
      ...DOMAIN_CODES.map((c) => `domains.${c}`),
      ...FOCUS_TAG_CODES.map((c) => `focusTags.${c}`),
      ...ISSUE_STATUSES.map((c) => `statuses.${c}`),
      ...ISSUE_SOURCES.map((c) => `sources.${c}`),
      ...POSITION_SOURCES.map((c) => `positionSources.${c}`),
    ]

    const missing = expected.filter((key) => !zh.has(key) || !english.has(key))

    expect(missing).toEqual([])
  })

  it('should have a message for every error code of the contract, plus the fallback', () => {
    const missing = [...ERROR_CODES, 'unknown'].filter(
      (code) => !zh.has(`errors.${code}`) || !english.has(`errors.${code}`),
    )

    expect(missing).toEqual([])
  })

  it('should use the official Chinese names for domains and sources', () => {
    expect(zh.get('domains.grassroots_organization')).toBe('基层组织建设')
    expect(zh.get('focusTags.air_pollution')).toBe('大气污染防治')
    expect(zh.get('statuses.escalated')).toBe('疑难上报')
    expect(zh.get('sources.hotline_12319')).toBe('12319城管热线')
  })
})
