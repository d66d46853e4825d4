import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import { AppError } from '@/errors'
import { stopSyncPolling } from '@/sync/syncStore'
import type { IssueStatus, PhotoInfo, TaskItem, TimelineItem } from '@/types'

import { mountScreen } from '../../lists/testing'
import TaskDetailView from '../TaskDetailView.vue'

vi.mock('@/api')

const HOUR = 3_600_000
const sel = (name: string) => `[data-test="${name}"]`

function task(status: IssueStatus): TaskItem {
  return {
    id: 'issue-1',
    domain: 'public_service',
    description: '小区门口路灯不亮',
    status,
    source: 'hotline_12345',
    address: '金梭路 12 号',
    reportedAtMs: Date.now() - 30 * HOUR,
    deadlineAtMs: Date.now() + 20 * HOUR,
    position: { lat: 34.8, lon: 113.6, accuracyM: null, source: 'manual' },
    photos: [{ sha256: 'b'.repeat(64), url: 'gridline-photo://localhost/before' }],
  }
}

function step(patch: Partial<TimelineItem>): TimelineItem {
  return {
    id: 'e-1',
    kind: 'start',
    fromStatus: 'dispatched',
    toStatus: 'handling',
    effective: true,
    reasonCode: null,
    note: null,
    photos: [],
    actor: 'wgz0101',
    atMs: Date.now() - HOUR,
    receivedAtMs: null,
    pending: false,
    ...patch,
  }
}

const photo: PhotoInfo = {
  sha256: 'a'.repeat(64),
  width: 1200,
  height: 900,
  bytes: 200_000,
  exifPosition: null,
  takenAt: null,
  url: 'gridline-photo://localhost/after',
}

async function open(status: IssueStatus, timeline: TimelineItem[] = []) {
  vi.mocked(api.gridTasks).mockResolvedValue([task(status)])
  vi.mocked(api.timeline).mockResolvedValue(timeline)
  const mounted = await mountScreen(TaskDetailView, { path: '/tasks/issue-1' })
  await flushPromises()
  return mounted
}

/** The step panels are teleported to the body. */
const inBody = (name: string) => document.body.querySelector<HTMLElement>(sel(name))

async function choosePhoto(): Promise<void> {
  const input = inBody('report-photo-input') as HTMLInputElement
  const file = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'after.jpg', { type: 'image/jpeg' })
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  input.dispatchEvent(new Event('change'))
  await flushPromises()
}

async function typeInto(name: string, text: string): Promise<void> {
  const input = inBody(name) as HTMLInputElement
  input.value = text
  input.dispatchEvent(new Event('input'))
  await flushPromises()
}

async function submitHandle(): Promise<void> {
  inBody('handle-submit')?.click()
  await flushPromises()
}

const actionsOf = (wrapper: VueWrapper) =>
  wrapper.findAll('[data-test^="task-step-"]').map((b) => b.attributes('data-test'))

describe('TaskDetailView', () => {
  beforeEach(() => {
    vi.mocked(api.syncState).mockRejectedValue(new AppError('internal', 'not needed'))
  })

  afterEach(() => {
    stopSyncPolling()
    document.body.innerHTML = ''
  })

  it('should show the task, its before photo and the actions of its status', async () => {
    const { wrapper } = await open('dispatched')

    expect(wrapper.find(sel('task-detail-description')).text()).toBe('小区门口路灯不亮')
    expect(wrapper.text()).toContain('12345热线')
    expect(wrapper.text()).toContain('金梭路 12 号')
    expect(wrapper.find(sel('task-before-photo')).attributes('src')).toContain('before')
    expect(actionsOf(wrapper)).toEqual(['task-step-start', 'task-step-escalate', 'task-step-note'])
  })

  it('should take the start step and show the timeline it returns', async () => {
    const { wrapper } = await open('dispatched')
    vi.mocked(api.takeStep).mockResolvedValue(step({ pending: true }))
    vi.mocked(api.gridTasks).mockResolvedValue([task('handling')])
    vi.mocked(api.timeline).mockResolvedValue([step({ pending: true })])

    await wrapper.find(sel('task-step-start')).trigger('click')
    await flushPromises()

    expect(api.takeStep).toHaveBeenCalledWith({ issueId: 'issue-1', kind: 'start', photos: [] })
    expect(wrapper.find(sel('task-detail')).attributes('data-status')).toBe('handling')
    const shown = wrapper.find(sel('timeline-step'))
    expect(shown.text()).toContain('接单处置')
    expect(shown.text()).toContain('待同步')
    expect(actionsOf(wrapper)).toEqual(['task-step-handle', 'task-step-escalate', 'task-step-note'])
  })

  it('should explain a step the platform overtook, and not mark it pending', async () => {
    const stale = step({ effective: false, reasonCode: 'stale_transition', toStatus: 'dispatched' })

    const { wrapper } = await open('supervised', [stale])

    const shown = wrapper.find(sel('timeline-step'))
    expect(shown.attributes('data-effective')).toBe('false')
    expect(shown.find(sel('timeline-reason')).text()).toBe('平台已先行处理，此操作未生效')
    expect(shown.text()).toContain('未生效')
    expect(shown.text()).not.toContain('待同步')
    expect(wrapper.text()).toContain('此事项正在督办，请优先办理')
  })

  it('should refuse to mark handled without an after photo, in Chinese', async () => {
    const { wrapper } = await open('handling')

    await wrapper.find(sel('task-step-handle')).trigger('click')
    await flushPromises()
    await submitHandle()

    expect(inBody('step-error')?.textContent?.trim()).toBe('请至少拍一张处置后的照片')
    expect(api.takeStep).not.toHaveBeenCalled()
  })

  it('should send the after photo and the phone position typed by hand', async () => {
    vi.mocked(api.importPhoto).mockResolvedValue(photo)
    vi.mocked(api.takeStep).mockResolvedValue(step({ kind: 'handle' }))
    const { wrapper } = await open('handling')
    await wrapper.find(sel('task-step-handle')).trigger('click')
    await flushPromises()

    await choosePhoto()
    await typeInto('handle-lat', '34.800100')
    await typeInto('handle-lon', '113.600200')
    await submitHandle()

    expect(api.takeStep).toHaveBeenCalledWith({
      issueId: 'issue-1',
      kind: 'handle',
      note: null,
      photos: [photo.sha256],
      position: { lat: 34.8001, lon: 113.6002, accuracyM: null, source: 'manual' },
    })
  })

  it('should show the core’s refusal when the photo was taken too far away', async () => {
    vi.mocked(api.importPhoto).mockResolvedValue(photo)
    vi.mocked(api.takeStep).mockRejectedValue(new AppError('too_far_from_issue', '340 m'))
    const { wrapper } = await open('handling')
    await wrapper.find(sel('task-step-handle')).trigger('click')
    await flushPromises()

    await choosePhoto()
    expect(inBody('handle-after')?.getAttribute('src')).toBe(photo.url)
    expect(inBody('handle-before')?.getAttribute('src')).toContain('before')
    await submitHandle()

    expect(inBody('step-error')?.textContent?.trim()).toBe('处置照片离事件地点太远，请到现场拍照')
  })

  it('should ask for a reason before escalating', async () => {
    vi.mocked(api.takeStep).mockResolvedValue(step({ kind: 'escalate' }))
    const { wrapper } = await open('dispatched')
    await wrapper.find(sel('task-step-escalate')).trigger('click')
    await flushPromises()

    inBody('step-submit')?.click()
    await flushPromises()
    expect(inBody('step-error')?.textContent?.trim()).toBe('请填写原因')

    const note = inBody('step-note') as HTMLTextAreaElement
    note.value = '涉及燃气管道，需要燃气公司处理'
    note.dispatchEvent(new Event('input'))
    inBody('step-submit')?.click()
    await flushPromises()

    expect(api.takeStep).toHaveBeenCalledWith({
      issueId: 'issue-1',
      kind: 'escalate',
      note: '涉及燃气管道，需要燃气公司处理',
      photos: [],
    })
  })

  it('should say the task is gone when the grid no longer has it', async () => {
    vi.mocked(api.gridTasks).mockResolvedValue([])
    vi.mocked(api.timeline).mockResolvedValue([])

    const { wrapper } = await mountScreen(TaskDetailView, { path: '/tasks/issue-1' })
    await flushPromises()

    expect(wrapper.find(sel('task-not-found')).text()).toContain(
      '找不到这个事项，可能已不再交办给本网格',
    )
  })
})

describe('TaskDetailView timeline', () => {
  let wrapper: VueWrapper

  afterEach(() => {
    wrapper?.unmount()
    stopSyncPolling()
  })

  it('names the district platform for its steps instead of its key, in Chinese', async () => {
    const supervised = step({ id: 'e-2', kind: 'supervise', actor: 'district-platform' })
    wrapper = (await open('supervised', [step({}), supervised])).wrapper

    const texts = wrapper.findAll(sel('timeline-step')).map((s) => s.text())
    expect(texts[1]).toContain('区平台')
    expect(texts[1]).not.toContain('district-platform')
  })
})
