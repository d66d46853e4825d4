import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { stopSyncPolling } from '@/sync/syncStore'
import type { FieldCheck } from '@/types'

import { ListStub, mountScreen } from '../../lists/testing'
import ResidentFormView from '../ResidentFormView.vue'
import { CHECK_DELAY_MS } from '../useRowForm'
import { household, resident } from './fixtures'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`
const OK: FieldCheck = { ok: true, code: null, expectedCheckChar: null }
const WRONG_CHECK_CHAR = '11010519491231002Y'

/** The core's check, for the few values these specs type. */
function checkLikeTheCore(_entity: string, field: string, value: unknown): Promise<FieldCheck> {
  if (field === 'citizen_id' && value === WRONG_CHECK_CHAR) {
    return Promise.resolve({ ok: false, code: 'id_check_char', expectedCheckChar: 'X' })
  }
  if (field === 'phone' && value === '12345') {
    return Promise.resolve({ ok: false, code: 'mobile_length', expectedCheckChar: null })
  }
  return Promise.resolve(OK)
}

async function type(wrapper: VueWrapper, name: string, text: string): Promise<void> {
  await wrapper.find(sel(`field-${name}`)).setValue(text)
  await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS)
  await flushPromises()
}

function errorOf(wrapper: VueWrapper, name: string): string {
  const cell = wrapper.find(sel(`field-${name}`)).element.closest('.van-field')
  return cell?.querySelector('.van-field__error-message')?.textContent?.trim() ?? ''
}

async function openNew() {
  vi.mocked(api.households).mockResolvedValue({ items: [household()], total: 1 })
  const mounted = await mountScreen(ResidentFormView, {
    path: '/registry/residents/new?household=hh-1',
  })
  await flushPromises()
  return mounted
}

describe('ResidentFormView', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    vi.mocked(api.checkField).mockImplementation(checkLikeTheCore)
  })

  afterEach(() => {
    vi.useRealTimers()
    stopSyncPolling()
    document.body.innerHTML = ''
  })

  it('should name the expected check character as soon as a wrong one is typed', async () => {
    const { wrapper } = await openNew()

    await type(wrapper, 'citizen_id', WRONG_CHECK_CHAR)

    expect(api.checkField).toHaveBeenCalledWith('resident', 'citizen_id', WRONG_CHECK_CHAR)
    expect(errorOf(wrapper, 'citizen_id')).toBe('身份证号校验位不正确，校验位应为“X”')
  })

  it('should name it in English too', async () => {
    vi.mocked(api.households).mockResolvedValue({ items: [household()], total: 1 })
    const { wrapper } = await mountScreen(ResidentFormView, {
      path: '/registry/residents/new?household=hh-1',
      locale: 'en',
    })
    await flushPromises()

    await type(wrapper, 'citizen_id', WRONG_CHECK_CHAR)

    expect(errorOf(wrapper, 'citizen_id')).toMatch(/the check character should be “X”$/)
  })

  it('should clear the message once the number is corrected, and fill in birth date and gender', async () => {
    const { wrapper } = await openNew()
    await type(wrapper, 'citizen_id', WRONG_CHECK_CHAR)

    await type(wrapper, 'citizen_id', '11010519491231002X')

    expect(errorOf(wrapper, 'citizen_id')).toBe('')
    expect((wrapper.find(sel('field-birth_date')).element as HTMLInputElement).value).toBe(
      '1949-12-31',
    )
    expect(wrapper.find(sel('field-gender-female')).attributes('aria-checked')).toBe('true')
    expect(wrapper.find(sel('filled-from-id')).exists()).toBe(true)
  })

  it('should show the household it is added to', async () => {
    const { wrapper } = await openNew()

    const field = wrapper.find(sel('field-household')).find('input')
    expect((field.element as HTMLInputElement).value).toBe('金梭路 12 号院 3 号楼 501')
  })

  it('should not save while a field is wrong, and say what to do', async () => {
    const { wrapper } = await openNew()
    await type(wrapper, 'name', '王小红')
    await type(wrapper, 'citizen_id', WRONG_CHECK_CHAR)

    await wrapper.find('form').trigger('submit')
    await vi.runAllTimersAsync()
    await flushPromises()

    expect(api.createRow).not.toHaveBeenCalled()
    expect(wrapper.find(sel('row-form-error')).text()).toBe('请先改正标红的项')
    expect(errorOf(wrapper, 'citizen_id')).toContain('校验位应为“X”')
    expect(wrapper.text(), 'the relation was never chosen').toContain('此项必填')
  })

  it('should save the new resident with its fields under their core names', async () => {
    vi.mocked(api.createRow).mockResolvedValue('res-new')
    const { wrapper, router } = await openNew()
    await type(wrapper, 'name', '王小红')
    await type(wrapper, 'citizen_id', '11010519491231002X')
    await wrapper.find(sel('field-relation-spouse')).trigger('click')
    await wrapper.find(sel('field-care-disabled')).trigger('click')
    await flushPromises()

    await wrapper.find('form').trigger('submit')
    await vi.runAllTimersAsync()
    await flushPromises()

    expect(api.createRow).toHaveBeenCalledWith('resident', {
      household_id: 'hh-1',
      name: '王小红',
      citizen_id: '11010519491231002X',
      gender: 'female',
      birth_date: '1949-12-31',
      relation: 'spouse',
      care_tags: ['disabled'],
    })
    expect(router.currentRoute.value.fullPath).toBe('/registry/residents/res-new')
  })

  it('should show a refusal from the core on the form', async () => {
    vi.mocked(api.createRow).mockRejectedValue(new AppError('row_missing', 'household gone'))
    const { wrapper } = await openNew()
    await type(wrapper, 'name', '王小红')
    await type(wrapper, 'citizen_id', '11010519491231002X')
    await wrapper.find(sel('field-relation-child')).trigger('click')

    await wrapper.find('form').trigger('submit')
    await vi.runAllTimersAsync()
    await flushPromises()

    expect(wrapper.find(sel('row-form-error')).text()).toBe('找不到这条记录，可能已被删除')
  })

  it('should send only the changed fields of an edit, keeping numbers left empty', async () => {
    vi.mocked(api.resident).mockResolvedValue(resident())
    vi.mocked(api.households).mockResolvedValue({ items: [household()], total: 1 })
    vi.mocked(api.editRow).mockResolvedValue()
    const { wrapper } = await mountScreen(ResidentFormView, {
      path: '/registry/residents/res-1/edit',
    })
    await flushPromises()
    expect(wrapper.find(sel('field-citizen_id')).attributes('placeholder')).toContain(
      '410108********0035',
    )

    await type(wrapper, 'phone', '13912345678')
    await wrapper.find('form').trigger('submit')
    await vi.runAllTimersAsync()
    await flushPromises()

    expect(api.editRow).toHaveBeenCalledWith('resident', 'res-1', { phone: '13912345678' })
  })
})

describe('ResidentFormView without a household', () => {
  afterEach(() => {
    stopSyncPolling()
    document.body.innerHTML = ''
  })

  it('should let the leader pick the household from its list', async () => {
    vi.mocked(api.checkField).mockResolvedValue(OK)
    vi.mocked(api.households).mockResolvedValue({ items: [household()], total: 1 })
    const { wrapper } = await mountScreen(ResidentFormView, {
      path: '/registry/residents/new',
      global: { stubs: { VanList: ListStub } },
    })
    await flushPromises()

    await wrapper.find(sel('field-household')).trigger('click')
    await flushPromises()
    document.body.querySelector<HTMLElement>(sel('household-item'))?.click()
    await flushPromises()

    const field = wrapper.find(sel('field-household')).find('input')
    expect((field.element as HTMLInputElement).value).toBe('金梭路 12 号院 3 号楼 501')
    expect(api.checkField).toHaveBeenCalledWith('resident', 'household_id', 'hh-1')
  })
})
