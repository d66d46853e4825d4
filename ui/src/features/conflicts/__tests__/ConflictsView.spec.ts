import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { stopSyncPolling } from '@/sync/syncStore'
import type { ConflictItem } from '@/types'

import { mountScreen } from '../../lists/testing'
import { resident } from '../../registry/__tests__/fixtures'
import ConflictsView from '../ConflictsView.vue'

vi.mock('@/api')

const sel = (name: string) => `[data-test="${name}"]`

function conflict(patch: Partial<ConflictItem>): ConflictItem {
  return {
    id: 'c-1',
    entity: 'resident',
    rowId: 'res-1',
    field: 'relation',
    kept: 'child',
    keptAuthor: 'wgz0102',
    other: 'grandchild',
    otherAuthor: 'wgz0101',
    createdAtMs: Date.now() - 3_600_000,
    ...patch,
  }
}

async function open(items: ConflictItem[]) {
  vi.mocked(api.openConflicts).mockResolvedValue(items)
  const mounted = await mountScreen(ConflictsView, { path: '/conflicts' })
  await flushPromises()
  return mounted
}

describe('ConflictsView', () => {
  afterEach(() => stopSyncPolling())

  it('should show both values in words, with who wrote each and whose row it is', async () => {
    vi.mocked(api.resident).mockResolvedValue(resident())
    const { wrapper } = await open([conflict({})])

    const card = wrapper.find(sel('conflict-item'))
    expect(api.resident).toHaveBeenCalledWith('res-1')
    expect(card.find(sel('conflict-row')).text()).toBe('张伟华')
    expect(card.text()).toContain('与户主关系')
    expect(card.find(sel('conflict-kept')).text()).toBe('子女')
    expect(card.find(sel('conflict-other')).text()).toBe('孙辈')
    expect(card.text()).toContain('wgz0102 修改')
    expect(card.text()).toContain('wgz0101 修改')
  })

  it('should mask phone numbers and name care tags', async () => {
    const { wrapper } = await open([
      conflict({ id: 'c-1', field: 'phone', kept: '13800138000', other: null }),
      conflict({ id: 'c-2', field: 'care_tags', kept: ['veteran', 'disabled'], other: [] }),
    ])

    const [phone, tags] = wrapper.findAll(sel('conflict-item'))
    expect(phone?.find(sel('conflict-kept')).text()).toBe('138****8000')
    expect(phone?.find(sel('conflict-other')).text()).toBe('（空）')
    expect(tags?.find(sel('conflict-kept')).text()).toBe('退役军人、残疾人')
  })

  it('should keep the current value with the first button and drop the conflict', async () => {
    vi.mocked(api.resolveConflict).mockResolvedValue()
    const { wrapper } = await open([conflict({})])

    await wrapper.find(sel('conflict-keep')).trigger('click')
    await flushPromises()

    expect(api.resolveConflict).toHaveBeenCalledWith('c-1', false)
    expect(wrapper.find(sel('conflict-item')).exists()).toBe(false)
    expect(wrapper.find(sel('conflicts-empty')).text()).toContain('没有待确认的数据冲突')
  })

  it('should switch to the other value with the second button', async () => {
    vi.mocked(api.resolveConflict).mockResolvedValue()
    const { wrapper } = await open([conflict({}), conflict({ id: 'c-2' })])

    await wrapper.findAll(sel('conflict-use-other'))[1]?.trigger('click')
    await flushPromises()

    expect(api.resolveConflict).toHaveBeenCalledWith('c-2', true)
    expect(wrapper.findAll(sel('conflict-item')).map((c) => c.attributes('data-id'))).toEqual([
      'c-1',
    ])
  })

  it('should keep the conflict when settling fails', async () => {
    vi.mocked(api.resolveConflict).mockRejectedValue(new AppError('row_missing', 'gone'))
    const { wrapper } = await open([conflict({})])

    await wrapper.find(sel('conflict-use-other')).trigger('click')
    await flushPromises()

    expect(wrapper.find(sel('conflict-item')).exists()).toBe(true)
    expect(document.body.textContent).toContain('找不到这条记录，可能已被删除')
  })
})
