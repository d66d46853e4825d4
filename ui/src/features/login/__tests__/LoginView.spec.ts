import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { mountInApp } from '@/testing/mount'

import LoginView from '../LoginView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

describe('LoginView', () => {
  beforeEach(() => {
    vi.mocked(api.defaultServer).mockResolvedValue('http://127.0.0.1:8787')
  })

  it('should prefill the server from the core and put test hooks on the native inputs', async () => {
    const { wrapper } = await mountInApp(LoginView)
    await flushPromises()

    const server = wrapper.find(sel('login-server'))
    expect(server.element.tagName).toBe('INPUT')
    expect((server.element as HTMLInputElement).value).toBe('http://127.0.0.1:8787')
    expect(wrapper.find(sel('login-account')).element.tagName).toBe('INPUT')
    expect(wrapper.find(sel('login-password')).attributes('type')).toBe('password')
  })

  it('should show the localized message for the code the login failed with', async () => {
    vi.mocked(api.login).mockRejectedValue(new AppError('login_failed', 'bad password'))
    const { wrapper } = await mountInApp(LoginView)
    await flushPromises()

    await wrapper.find(sel('login-account')).setValue('wgz0103')
    await wrapper.find(sel('login-password')).setValue('wrong')
    await wrapper.find(sel('login-submit')).trigger('click')
    await flushPromises()

    expect(api.login).toHaveBeenCalledWith('http://127.0.0.1:8787', 'wgz0103', 'wrong')
    expect(wrapper.find(sel('login-error')).text()).toBe('账号或密码不正确')
  })

  it('should go home once the login and the grid download are done', async () => {
    vi.mocked(api.login).mockResolvedValue({
      account: 'wgz0103',
      displayName: '李秀兰',
      server: 'http://127.0.0.1:8787',
      grid: {
        code: '410108003004001',
        name: '第一网格',
        district: { code: '410108', name: '惠济区' },
        township: { code: '410108003', name: '江山路街道' },
        community: { code: '410108003004', name: '石佛社区' },
      },
    })
    const { wrapper, router } = await mountInApp(LoginView)
    await flushPromises()

    await wrapper.find(sel('login-account')).setValue('wgz0103')
    await wrapper.find(sel('login-password')).setValue('secret')
    await wrapper.find(sel('login-submit')).trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.name).toBe('home')
    expect(wrapper.find(sel('login-error')).exists()).toBe(false)
  })
})
