import { beforeEach, describe, expect, it, vi } from 'vitest'

import * as api from '@/api'
import type { Session } from '@/types'

vi.mock('@/api')

const leader: Session = {
  account: 'hj0101-1',
  displayName: '王芳',
  server: 'http://127.0.0.1:8787',
  grid: {
    code: '410108001001-01',
    name: '第1网格',
    district: { code: '410108', name: '惠济区' },
    township: { code: '410108001', name: '新城街道' },
    community: { code: '410108001001', name: '某社区' },
  },
}

describe('session mirror', () => {
  beforeEach(() => {
    vi.resetModules()
    vi.mocked(api.currentSession).mockResolvedValue(null)
    vi.mocked(api.login).mockResolvedValue(leader)
    vi.mocked(api.logout).mockResolvedValue(undefined)
  })

  it('should report a session signed in after start-up, not the start-up answer', async () => {
    const { loadSession, signIn } = await import('@/session/session')
    expect(await loadSession()).toBeNull()

    await signIn(leader.server, leader.account, 'secret')

    expect(await loadSession()).toEqual(leader)
  })

  it('should report no session after signing out', async () => {
    vi.mocked(api.currentSession).mockResolvedValue(leader)
    const { loadSession, signOut } = await import('@/session/session')
    expect(await loadSession()).toEqual(leader)

    await signOut()

    expect(await loadSession()).toBeNull()
  })
})
