import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { stopSyncPolling } from '@/sync/syncStore'

import { mountScreen } from '../../lists/testing'
import ResidentDetailView from '../ResidentDetailView.vue'
import { resident } from './fixtures'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

async function open() {
  vi.mocked(api.resident).mockResolvedValue(resident())
  const mounted = await mountScreen(ResidentDetailView, { path: '/registry/residents/res-1' })
  await flushPromises()
  return mounted
}

describe('ResidentDetailView', () => {
  afterEach(() => stopSyncPolling())

  it('should show the numbers masked and say that showing them is recorded', async () => {
    const { wrapper } = await open()

    expect(api.resident).toHaveBeenCalledWith('res-1')
    expect(wrapper.find(sel('number-citizen_id')).text()).toBe('410108********0035')
    expect(wrapper.find(sel('number-phone')).text()).toBe('138****8000')
    expect(wrapper.text()).toContain('查看完整号码会被记录')
    expect(api.reveal).not.toHaveBeenCalled()
  })

  it('should show the full ID number only after the leader asks for it', async () => {
    vi.mocked(api.reveal).mockResolvedValue('410108195603080035')
    const { wrapper } = await open()

    await wrapper.find(sel('reveal-citizen_id')).trigger('click')
    await flushPromises()

    expect(api.reveal).toHaveBeenCalledWith('res-1', 'citizen_id')
    const number = wrapper.find(sel('number-citizen_id'))
    expect(number.text()).toBe('410108195603080035')
    expect(number.attributes('data-full')).toBe('true')
    expect(wrapper.find(sel('reveal-citizen_id')).exists()).toBe(false)
    expect(wrapper.find(sel('number-phone')).text(), 'the phone stays masked').toBe('138****8000')
  })

  it('should keep the number masked and say why when the reveal fails', async () => {
    vi.mocked(api.reveal).mockRejectedValue(new AppError('not_logged_in', 'no session'))
    const { wrapper } = await open()

    await wrapper.find(sel('reveal-phone')).trigger('click')
    await flushPromises()

    expect(wrapper.find(sel('number-phone')).text()).toBe('138****8000')
    expect(wrapper.text()).toContain('无法显示：登录已失效，请重新登录')
  })

  it('should record a move-out only after confirmation', async () => {
    vi.mocked(api.moveOut).mockResolvedValue()
    const { wrapper } = await open()

    await wrapper.find(sel('resident-move-out')).trigger('click')
    await flushPromises()
    expect(document.body.textContent).toContain('确定为 张伟华 办理迁出吗？')
    expect(api.moveOut).not.toHaveBeenCalled()
    document.body.querySelector<HTMLElement>('.van-dialog__confirm')?.click()
    await flushPromises()

    expect(api.moveOut).toHaveBeenCalledWith('res-1')
  })
})
