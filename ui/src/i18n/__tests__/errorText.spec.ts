import { mount } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import { describe, expect, it } from 'vitest'

import { createAppI18n, useErrorText, type AppLocale } from '..'

function render(code: string, locale: AppLocale): string {
  const Probe = defineComponent(() => {
    const errorText = useErrorText()
    return () => h('p', errorText({ code }))
  })
  return mount(Probe, { global: { plugins: [createAppI18n(locale)] } }).text()
}

describe('useErrorText', () => {
  it('should show the localized message for a known code', () => {
    expect(render('relay_unreachable', 'zh-CN')).toBe('连不上服务器，请检查网络后重试')
    expect(render('login_failed', 'en')).toBe('Wrong account or password')
  })

  it('should fall back to a generic message that names an unknown code', () => {
    expect(render('quota_exceeded', 'zh-CN')).toBe('操作失败（错误代码：quota_exceeded）')
  })
})
