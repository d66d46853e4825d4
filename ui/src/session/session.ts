/**
 * Who is logged in. The core owns the session (it survives restarts); this module
 * only mirrors it so the router and screens can react. Asked once at start-up.
 */
import { readonly, ref } from 'vue'

import * as api from '@/api'
import type { Session } from '@/types'

const current = ref<Session | null>(null)
let firstLoad: Promise<Session | null> | null = null

export const session = readonly(current)

/**
 * The session as of now, once the core has said at start-up whether one exists. A
 * failure to ask counts as "not logged in": the login screen is always a safe place
 * to land. Later sign-ins and sign-outs update the mirror, not the start-up answer.
 */
export async function loadSession(): Promise<Session | null> {
  firstLoad ??= api.currentSession().then(
    (value) => (current.value = value),
    () => (current.value = null),
  )
  await firstLoad
  return current.value
}

export async function signIn(server: string, account: string, password: string): Promise<void> {
  current.value = await api.login(server, account, password)
}

export async function signOut(force = false): Promise<void> {
  await api.logout(force)
  current.value = null
}

/** The core said the session is gone (e.g. `not_logged_in` while polling). */
export function forgetSession(): void {
  current.value = null
}
