import { beforeEach, describe, expect, it, vi } from 'vitest'

import { invoke } from '@tauri-apps/api/core'

import * as api from '@/api'

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }))

const invokeMock = vi.mocked(invoke)

/** Tauri turns the camelCase names used here into the Rust commands' snake_case ones. */
describe('api: registry and task steps', () => {
  beforeEach(() => {
    invokeMock.mockReset()
    invokeMock.mockResolvedValue(null)
  })

  it('should ask for pages with offset, limit and an optional care tag', async () => {
    await api.residents(50, 50)
    await api.residents(0, 50, 'veteran')
    await api.households(100, 50)

    expect(invokeMock.mock.calls).toEqual([
      ['residents', { offset: 50, limit: 50, careTag: null }, undefined],
      ['residents', { offset: 0, limit: 50, careTag: 'veteran' }, undefined],
      ['households', { offset: 100, limit: 50 }, undefined],
    ])
  })

  it('should name the resident and the field whose full number is revealed', async () => {
    await api.reveal('res-1', 'citizen_id')

    expect(invokeMock).toHaveBeenCalledWith(
      'reveal',
      { residentId: 'res-1', field: 'citizen_id' },
      undefined,
    )
  })

  it('should pass rows with their snake_case field names untouched', async () => {
    await api.createRow('resident', { household_id: 'hh-1', care_tags: ['disabled'] })
    await api.checkField('enterprise', 'credit_code', '91410100MA44XXXX0X')

    expect(invokeMock.mock.calls).toEqual([
      [
        'create_row',
        { entity: 'resident', fields: { household_id: 'hh-1', care_tags: ['disabled'] } },
        undefined,
      ],
      [
        'check_field',
        { entity: 'enterprise', field: 'credit_code', value: '91410100MA44XXXX0X' },
        undefined,
      ],
    ])
  })

  it('should wrap a step in a `step` argument and settle conflicts by keepOther', async () => {
    const step = { issueId: 'i-1', kind: 'start' as const, photos: [] }

    await api.takeStep(step)
    await api.timeline('i-1')
    await api.resolveConflict('c-1', true)

    expect(invokeMock.mock.calls).toEqual([
      ['take_step', { step }, undefined],
      ['timeline', { issueId: 'i-1' }, undefined],
      ['resolve_conflict', { id: 'c-1', keepOther: true }, undefined],
    ])
  })
})
