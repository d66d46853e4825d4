import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { session, signIn, signOut } from '@/session/session'
import { mountInApp } from '@/testing/mount'
import { syncStateWith } from '@/testing/syncState'
import type { Session } from '@/types'

import SettingsView from '../SettingsView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

const leader = {
  account: 'wgz0103',
  displayName: '王芳',
  server: 'http://127.0.0.1:8787',
  grid: { name: '金洼村第一网格' },
} as Session

async function mountSettings(locale: 'zh-CN' | 'en' = 'zh-CN') {
  const mounted = await mountInApp(SettingsView, { locale })
  await flushPromises()
  return mounted
}

function dialog(): HTMLElement | null {
  return document.body.querySelector<HTMLElement>('.van-dialog')
}

async function answerDialog(button: 'confirm' | 'cancel'): Promise<void> {
  await flushPromises()
  document.body.querySelector<HTMLElement>(`.van-dialog__${button}`)?.click()
  await flushPromises()
}

async function saveMap(wrapper: VueWrapper, url: string, radius: string): Promise<void> {
  await wrapper.find(sel('settings-tile-url')).setValue(url)
  await wrapper.find(sel('settings-radius')).setValue(radius)
  await wrapper.find(sel('settings-map-save')).trigger('click')
  await flushPromises()
}

describe('SettingsView', () => {
  beforeEach(async () => {
    vi.mocked(api.login).mockResolvedValue(leader)
    await signIn(leader.server, leader.account, 'secret')
    vi.mocked(api.settings).mockResolvedValue({
      tileUrl: null,
      tileCrs: 'wgs84',
      handleRadiusM: 100,
    })
    vi.mocked(api.appInfo).mockResolvedValue({
      version: '0.1.0',
      databaseBytes: 3.4 * 1024 * 1024,
      photoBytes: 812 * 1024,
      pending: 0,
      reveals: 2,
    })
  })

  afterEach(async () => {
    vi.mocked(api.logout).mockResolvedValue()
    await signOut(true).catch(() => undefined)
    // Not clearing the body: Vant keeps one dialog instance mounted there for the file.
    localStorage.clear()
  })

  it('should show the account, the version and the data sizes', async () => {
    const { wrapper } = await mountSettings()

    expect(wrapper.find(sel('settings-account')).text()).toContain('王芳')
    expect(wrapper.find(sel('settings-version')).text()).toBe('0.1.0')
    expect(wrapper.find(sel('settings-db-size')).text()).toBe('3.4 MB')
    expect(wrapper.find(sel('settings-photo-size')).text()).toBe('812 KB')
    expect(wrapper.find(sel('settings-reveals')).text()).toBe('2 次')
  })

  it('should refuse a tile URL without {z}/{x}/{y} and a radius out of range, in Chinese', async () => {
    const { wrapper } = await mountSettings()

    await saveMap(wrapper, 'http://10.0.0.1/tiles.png', '5')

    expect(api.saveSettings).not.toHaveBeenCalled()
    expect(wrapper.text()).toContain('底图地址应以 http(s):// 开头，并包含 {z} {x} {y}')
    expect(wrapper.text()).toContain('请填写 10 到 1000 之间的数字')
  })

  it('should save tiles, their coordinate system and the radius as numbers', async () => {
    vi.mocked(api.saveSettings).mockImplementation(async (value) => value)
    const { wrapper } = await mountSettings()

    await wrapper.find(sel('settings-crs-gcj02')).trigger('click')
    await saveMap(wrapper, ' http://10.0.0.1/{z}/{x}/{y}.png ', '150')

    expect(api.saveSettings).toHaveBeenCalledWith({
      tileUrl: 'http://10.0.0.1/{z}/{x}/{y}.png',
      tileCrs: 'gcj02',
      handleRadiusM: 150,
    })
  })

  it('should turn an empty tile URL into no tiles', async () => {
    vi.mocked(api.saveSettings).mockImplementation(async (value) => value)
    const { wrapper } = await mountSettings()

    await saveMap(wrapper, '', '100')

    expect(vi.mocked(api.saveSettings).mock.calls[0]![0].tileUrl).toBeNull()
  })

  it('should switch the language at once and remember it', async () => {
    const { wrapper } = await mountSettings()

    await wrapper.find(sel('settings-lang-en')).trigger('click')

    expect(wrapper.find(sel('settings-map-save')).text()).toBe('Save map settings')
    expect(localStorage.getItem('gridline.locale')).toBe('en')
    await wrapper.find(sel('settings-lang-zh-CN')).trigger('click')
    expect(wrapper.find(sel('settings-map-save')).text()).toBe('保存地图设置')
  })

  it('should sign out after one confirmation when nothing is pending', async () => {
    vi.mocked(api.logout).mockResolvedValue()
    const { wrapper, router } = await mountSettings()

    await wrapper.find(sel('settings-logout')).trigger('click')
    await answerDialog('confirm')

    expect(api.logout).toHaveBeenCalledTimes(1)
    expect(api.logout).toHaveBeenCalledWith(false)
    expect(session.value).toBeNull()
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('should ask before losing pending work, naming how much, and force only on a yes', async () => {
    vi.mocked(api.logout).mockImplementation(async (force) => {
      if (!force) throw new AppError('pending_ops', '3 pending')
    })
    vi.mocked(api.syncState).mockResolvedValue(syncStateWith({ pending: 3 }))
    const { wrapper, router } = await mountSettings()

    await wrapper.find(sel('settings-logout')).trigger('click')
    await answerDialog('confirm')
    expect(dialog()?.textContent).toContain('还有 3 条数据未同步，退出登录将丢失这些数据')
    await answerDialog('confirm')

    expect(vi.mocked(api.logout).mock.calls).toEqual([[false], [true]])
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('should keep the session when the leader declines to lose pending work', async () => {
    vi.mocked(api.logout).mockRejectedValue(new AppError('pending_ops', '1 pending'))
    vi.mocked(api.syncState).mockResolvedValue(syncStateWith({ pending: 1 }))
    const { wrapper, router } = await mountSettings()

    await wrapper.find(sel('settings-logout')).trigger('click')
    await answerDialog('confirm')
    await answerDialog('cancel')

    expect(api.logout).toHaveBeenCalledTimes(1)
    expect(session.value).not.toBeNull()
    expect(router.currentRoute.value.name).not.toBe('login')
  })

  it('should point the session at a new relay address', async () => {
    vi.mocked(api.setServer).mockResolvedValue()
    const { wrapper } = await mountSettings()

    await wrapper.find(sel('settings-server')).setValue('http://10.1.2.3:8787')
    await wrapper.find(sel('settings-server-save')).trigger('click')
    await flushPromises()

    expect(api.setServer).toHaveBeenCalledWith('http://10.1.2.3:8787')
  })
})
