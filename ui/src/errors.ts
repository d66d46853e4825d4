import type { ErrorInfo } from './types'

/**
 * A failed command, reduced to the machine-readable `code` the screens choose their
 * localized text by. The `message` is the core's English detail, kept for logs only.
 */
export class AppError extends Error implements ErrorInfo {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'AppError'
    this.code = code
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/**
 * Turns whatever a rejected promise carried into an AppError. The core rejects with
 * `{ code, message }`; anything else (a bare string, a JS exception from the bridge
 * itself) is a fault on our side and becomes `internal`.
 */
export function toAppError(reason: unknown): AppError {
  if (reason instanceof AppError) {
    return reason
  }
  if (isRecord(reason) && typeof reason.code === 'string') {
    const message = typeof reason.message === 'string' ? reason.message : ''
    return new AppError(reason.code, message)
  }
  if (reason instanceof Error) {
    return new AppError('internal', reason.message)
  }
  return new AppError('internal', String(reason))
}
