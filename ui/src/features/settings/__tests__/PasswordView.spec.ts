import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { mountInApp } from '@/testing/mount'

import PasswordView from '../PasswordView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`
const Blank = { render: () => null }

async function change(wrapper: VueWrapper, current: string, next: string, repeat = next) {
  await wrapper.find(sel('password-current')).setValue(current)
  await wrapper.find(sel('password-new')).setValue(next)
  await wrapper.find(sel('password-repeat')).setValue(repeat)
  await wrapper.find(sel('password-submit')).trigger('click')
  await flushPromises()
}

describe('PasswordView', () => {
  it('should catch a mistyped repeat before asking the relay', async () => {
    const { wrapper } = await mountInApp(PasswordView)

    await change(wrapper, 'old-pass-1', 'new-pass-1', 'new-pass-2')

    expect(wrapper.find(sel('password-error')).text()).toBe('两次输入的新密码不一致')
    expect(api.changePassword).not.toHaveBeenCalled()
  })

  it('should say in Chinese that the current password is wrong', async () => {
    vi.mocked(api.changePassword).mockRejectedValue(new AppError('wrong_password', 'nope'))
    const { wrapper } = await mountInApp(PasswordView)

    await change(wrapper, 'not-my-pass', 'new-pass-1')

    expect(api.changePassword).toHaveBeenCalledWith('not-my-pass', 'new-pass-1')
    expect(wrapper.find(sel('password-error')).text()).toBe('当前密码不正确')
  })

  it('should say so in English too, and explain that it needs a network', async () => {
    vi.mocked(api.changePassword).mockRejectedValue(new AppError('relay_unreachable', 'down'))
    const { wrapper } = await mountInApp(PasswordView, { locale: 'en' })

    await change(wrapper, 'old-pass-1', 'new-pass-1')

    expect(wrapper.find(sel('password-error')).text()).not.toMatch(/[\u4e00-\u9fff]/)
    expect(wrapper.find(sel('password-error')).text()).not.toContain('down')
  })

  it('should go back to settings once the password is changed', async () => {
    vi.mocked(api.changePassword).mockResolvedValue()
    const { wrapper, router } = await mountInApp(PasswordView)
    router.addRoute({ path: '/settings', name: 'settings', component: Blank })

    await change(wrapper, 'old-pass-1', 'new-pass-1')

    expect(router.currentRoute.value.name).toBe('settings')
  })
})
