import { beforeEach, describe, expect, it, vi } from 'vitest'

import { invoke } from '@tauri-apps/api/core'

import * as api from '../api'
import { AppError } from '../errors'

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }))

const invokeMock = vi.mocked(invoke)

describe('api', () => {
  beforeEach(() => {
    invokeMock.mockReset()
  })

  it('should send photo bytes as a raw Uint8Array body with the file name in a header', async () => {
    invokeMock.mockResolvedValue({ sha256: 'x' })
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0])

    await api.importPhoto(bytes, '现场 1.jpg')

    const [command, body, options] = invokeMock.mock.calls[0] ?? []
    expect(command).toBe('import_photo')
    expect(body, 'the bytes must cross as binary, not a JSON number array').toBe(bytes)
    expect(options).toEqual({ headers: { 'x-file-name': encodeURIComponent('现场 1.jpg') } })
  })

  it('should wrap the new report in a `report` argument', async () => {
    invokeMock.mockResolvedValue({})
    const report = {
      domain: 'work_safety' as const,
      focusTag: null,
      description: '液化气罐堆放',
      position: null,
      photos: [],
    }

    await api.createReport(report)

    expect(invokeMock).toHaveBeenCalledWith('create_report', { report }, undefined)
  })

  it('should turn a rejection from the core into an AppError with its code', async () => {
    invokeMock.mockRejectedValue({ code: 'relay_unreachable', message: 'connect refused' })

    const failure = await api.syncNow().catch((e: unknown) => e)

    expect(failure).toBeInstanceOf(AppError)
    expect(failure).toMatchObject({ code: 'relay_unreachable', message: 'connect refused' })
  })

  it('should report a bridge failure without a code as internal', async () => {
    invokeMock.mockRejectedValue(new TypeError('__TAURI_INTERNALS__ is undefined'))

    const failure = await api.currentSession().catch((e: unknown) => e)

    expect(failure).toMatchObject({ code: 'internal' })
  })

  it('should pass login credentials under their contract names', async () => {
    invokeMock.mockResolvedValue(null)

    await api.login('http://127.0.0.1:8787', 'wgz0103', 's3cret')

    expect(invokeMock).toHaveBeenCalledWith(
      'login',
      { server: 'http://127.0.0.1:8787', account: 'wgz0103', password: 's3cret' },
      undefined,
    )
  })
})
