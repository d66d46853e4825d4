/**
 * Shapes exchanged with the Rust device core, mirroring the Tauri command contract.
 * Field names are camelCase as serde sends them; times are epoch milliseconds (`*Ms`),
 * distances metres (`*M`), coordinates WGS-84 decimal degrees.
 */

export const DOMAIN_CODES = [
  'illegal_production',
  'illegal_business',
  'illegal_construction',
  'work_safety',
  'petition_stability',
  'public_service',
  'grassroots_organization',
] as const
export type DomainCode = (typeof DOMAIN_CODES)[number]

export const FOCUS_TAG_CODES = ['illegal_fundraising', 'air_pollution', 'urban_management'] as const
export type FocusTagCode = (typeof FOCUS_TAG_CODES)[number]

export const ISSUE_STATUSES = [
  'reported',
  'accepted',
  'dispatched',
  'handling',
  'handled',
  'verified',
  'closed',
  'returned',
  'escalated',
  'supervised',
] as const
export type IssueStatus = (typeof ISSUE_STATUSES)[number]

export const ISSUE_SOURCES = [
  'patrol',
  'hotline_12345',
  'chief_line',
  'hotline_12319',
  'media',
  'supervisor',
  'platform',
] as const
export type IssueSource = (typeof ISSUE_SOURCES)[number]

export const POSITION_SOURCES = ['device', 'exif', 'manual'] as const
export type PositionSource = (typeof POSITION_SOURCES)[number]

/** Every error code the device core may reject with; the UI has a message for each. */
export const ERROR_CODES = [
  'not_logged_in',
  'relay_unreachable',
  'relay_error',
  'login_failed',
  'invalid_server',
  'description_empty',
  'description_too_long',
  'domain_required',
  'position_invalid',
  'photo_unsupported',
  'photo_decode',
  'photo_empty',
  'photo_too_large',
  'photo_not_found',
  'session_expired',
  'pending_ops',
  'sync_in_progress',
  'storage',
  'internal',
  'id_length',
  'id_character',
  'id_region',
  'id_birth_date',
  'id_check_char',
  'row_missing',
  'household_not_empty',
  'step_not_allowed',
  'note_required',
  'photo_required',
  'position_required',
  'too_far_from_issue',
  'field_not_editable',
  'field_empty',
  'field_too_long',
  'field_wrong_type',
  'credit_code_length',
  'credit_code_character',
  'credit_code_region',
  'credit_code_check_char',
  'mobile_length',
  'mobile_character',
  'mobile_prefix',
  'invalid_gender',
  'invalid_relation',
  'invalid_date',
  'invalid_members',
  'invalid_care_tag',
  'invalid_position',
  'invalid_household',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** What a failed command carries: `message` is English for logs, never shown as is. */
export interface ErrorInfo {
  code: string
  message: string
}

export interface Division {
  code: string
  name: string
}

export interface Grid {
  code: string
  name: string
  district: Division
  township: Division
  community: Division
}

export interface Session {
  account: string
  displayName: string
  server: string
  grid: Grid
}

export interface SyncState {
  /** Operations in the outbox the relay has not confirmed yet. */
  pending: number
  /** Operations the relay refused; shown to the leader until dealt with. */
  rejected: number
  lastSyncAtMs: number | null
  lastError: ErrorInfo | null
  syncing: boolean
  /** The relay's clock minus the phone's, from the last answer, in ms. */
  clockOffsetMs: number | null
  /** The phone's clock is over five minutes off, or behind the last sync. */
  clockSuspect: boolean
}

export interface HomeSummary {
  session: Session
  residents: number
  households: number
  enterprises: number
  openIssues: number
  sync: SyncState
}

export interface Position {
  lat: number
  lon: number
  accuracyM: number | null
  source: PositionSource
}

export interface PhotoInfo {
  sha256: string
  width: number
  height: number
  bytes: number
  exifPosition: { lat: number; lon: number } | null
  /** "YYYY-MM-DD HH:MM:SS" as the camera recorded it, no time zone. */
  takenAt: string | null
  /** URL the webview can put in an <img>, served by the device core. */
  url: string
}

export interface NewReport {
  domain: DomainCode
  focusTag: FocusTagCode | null
  description: string
  position: Position | null
  /** sha256 of photos already imported with importPhoto. */
  photos: string[]
}

export interface PhotoRef {
  sha256: string
  url: string
}

export type ReportSync = 'pending' | 'synced' | 'rejected'

export interface ReportItem {
  id: string
  domain: DomainCode
  focusTag: FocusTagCode | null
  description: string
  status: IssueStatus
  reportedAtMs: number
  /** When the relay confirmed it; null until then. */
  receivedAtMs: number | null
  /** When the district accepted or dispatched it; null until then. */
  acceptedAtMs: number | null
  sync: ReportSync
  syncError: ErrorInfo | null
  position: Position | null
  photos: PhotoRef[]
}

export interface TaskItem {
  id: string
  domain: DomainCode
  description: string
  status: IssueStatus
  source: IssueSource
  address: string | null
  reportedAtMs: number
  deadlineAtMs: number | null
  position: Position | null
  /** Photos filed with it: the scene before handling. */
  photos: PhotoRef[]
}

export interface SyncOutcome {
  pushed: number
  rejected: number
  pulled: number
  sync: SyncState
}
