/**
 * Signing out from the settings screen. The core refuses with `pending_ops` while work
 * is unsent; only then is the leader asked whether to lose it, with the count named,
 * and only a yes signs out with force.
 */
import { toAppError } from '@/errors'
import { signOut } from '@/session/session'
import * as api from '@/api'

export type SignOutOutcome = 'signed_out' | 'kept'

/** `confirmLoss` asks the leader; it resolves true to go ahead. */
export async function signOutCarefully(
  confirmLoss: (pending: number) => Promise<boolean>,
): Promise<SignOutOutcome> {
  try {
    await signOut(false)
    return 'signed_out'
  } catch (reason) {
    if (toAppError(reason).code !== 'pending_ops') throw reason
  }
  let pending = 0
  try {
    pending = (await api.syncState()).pending
  } catch {
    // The count is only for the question; the answer does not depend on it.
  }
  if (!(await confirmLoss(pending))) return 'kept'
  await signOut(true)
  return 'signed_out'
}
