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
  'wrong_password',
  'weak_password',
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
  /** A sub-category code of `domain` (see SUBCATEGORIES). */
  subcategory?: string | null
  /** The household, resident or enterprise the report is about. */
  subject?: SubjectRef | null
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

// ----- Registry -------------------------------------------------------------

/** The registry tables a leader keeps; also what a conflict or an edit is about. */
export const ENTITIES = ['household', 'resident', 'enterprise'] as const
export type Entity = (typeof ENTITIES)[number]

export const CARE_TAGS = [
  'elderly_alone',
  'empty_nest',
  'disabled',
  'low_income',
  'left_behind_child',
  'veteran',
  'serious_illness',
] as const
export type CareTag = (typeof CARE_TAGS)[number]

export const GENDERS = ['male', 'female'] as const
export type Gender = (typeof GENDERS)[number]

/** A resident's relation to the head of the household. */
export const RELATIONS = [
  'head',
  'spouse',
  'child',
  'parent',
  'grandchild',
  'sibling',
  'other',
] as const
export type Relation = (typeof RELATIONS)[number]

/** One page of a long list and how many rows there are in all. */
export interface Page<T> {
  items: T[]
  total: number
}

export interface HouseholdItem {
  id: string
  address: string
  headName: string
  /** Members as registered. */
  members: number
  /** Residents recorded here who have not moved out. */
  residents: number
  /** A change the relay has not confirmed yet. */
  pending: boolean
}

export interface ResidentItem {
  id: string
  householdId: string
  name: string
  gender: Gender
  /** YYYY-MM-DD. */
  birthDate: string
  /** Masked by the core: 410105********1234. The full number only through reveal. */
  citizenId: string
  /** Masked by the core: 138****8000. */
  phone: string | null
  relation: Relation
  careTags: CareTag[]
  movedOutAtMs: number | null
  pending: boolean
}

export interface EnterpriseItem {
  id: string
  name: string
  creditCode: string
  legalRepresentative: string
  address: string
  industry: string
  lat: number | null
  lon: number | null
  pending: boolean
}

/** The numbers whose full form is shown only on request, and logged. */
export type RevealField = 'citizen_id' | 'phone'

/** What the core says of one field while the leader types it. */
export interface FieldCheck {
  ok: boolean
  code: string | null
  /** For an ID number or credit code whose last character is wrong: the right one. */
  expectedCheckChar: string | null
}

/** Field values as create_row and edit_row take them: snake_case names, JSON values. */
export type RowFields = Record<string, string | number | string[] | null>

/** A field two devices changed; the row holds `kept`, `other` lost. */
export interface ConflictItem {
  id: string
  entity: Entity
  rowId: string
  field: string
  kept: unknown
  keptAuthor: string
  other: unknown
  otherAuthor: string
  createdAtMs: number
}

export type HitKind = 'resident' | 'household' | 'enterprise'

export interface Hit {
  kind: HitKind
  id: string
  /** Masked where it holds a number. */
  title: string
  subtitle: string
  matched:
    'name' | 'citizenId' | 'phone' | 'creditCode' | 'headName' | 'legalRepresentative' | 'address'
  quality: 'exact' | 'prefix' | 'substring'
  movedOut: boolean
}

// ----- Task steps -------------------------------------------------------------

export const EVENT_KINDS = [
  'accept',
  'dispatch',
  'start',
  'handle',
  'return',
  'verify',
  'close',
  'escalate',
  'supervise',
  'note',
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

/** The steps a grid leader may take; the rest belong to the district platform. */
export type LeaderStep = 'start' | 'handle' | 'escalate' | 'note'

export interface StepInput {
  issueId: string
  kind: LeaderStep
  note?: string | null
  /** sha256 of photos imported with importPhoto. */
  photos: string[]
  /** Where the phone was when the step was taken. */
  position?: Position | null
}

export interface TimelineItem {
  id: string
  kind: EventKind
  fromStatus: IssueStatus
  toStatus: IssueStatus
  /** False when the relay kept the step without letting it move the issue. */
  effective: boolean
  /** Why it had no effect: `stale_transition`, `transition_not_allowed`, or a newer code. */
  reasonCode: string | null
  note: string | null
  photos: PhotoRef[]
  actor: string
  atMs: number
  receivedAtMs: number | null
  pending: boolean
}

// ----- Reports: sub-categories, subjects, possible duplicates -----------------

/** The sub-categories of each domain, in the order the district files them. */
export const SUBCATEGORIES = {
  illegal_production: [
    'unlicensed_workshop',
    'illegal_processing',
    'hazardous_storage',
    'scattered_polluting',
  ],
  illegal_business: ['unlicensed_shop', 'street_vending', 'illegal_transport', 'counterfeit_goods'],
  illegal_construction: [
    'illegal_structure',
    'unauthorized_extension',
    'illegal_renovation',
    'green_space_encroachment',
  ],
  work_safety: ['fire_hazard', 'gas_safety', 'ebike_charging', 'construction_safety'],
  petition_stability: ['dispute', 'collective_risk', 'petition', 'key_person'],
  public_service: ['municipal_damage', 'sanitation', 'traffic', 'utilities'],
  grassroots_organization: [
    'party_building',
    'social_organization',
    'volunteer',
    'self_governance',
  ],
} as const satisfies Record<DomainCode, readonly string[]>
export type SubcategoryCode = (typeof SUBCATEGORIES)[DomainCode][number]

/** A registry row a report or a visit is about. */
export interface SubjectRef {
  entity: Entity
  id: string
}

/** An open issue of the same domain near a report being written: maybe the same problem. */
export interface NearbyIssue {
  id: string
  description: string
  status: IssueStatus
  reportedAtMs: number
  distanceM: number
}

// ----- Patrol (走访排查) and points ------------------------------------------------

export interface PatrolItem {
  id: string
  startedAtMs: number
  /** Null while the patrol runs. */
  endedAtMs: number | null
  distanceM: number
  /** Fixes kept in the track. */
  points: number
  visits: number
}

/** What can be visited on patrol. */
export type VisitEntity = 'household' | 'enterprise'

export interface VisitInput {
  entity: VisitEntity
  id: string
  note: string
  /** sha256 of a photo imported with importPhoto. */
  photo?: string | null
  position?: Position | null
}

/** One day of work (China time) on this phone. */
export interface DaySummary {
  dayStartMs: number
  patrols: number
  patrolMs: number
  distanceM: number
  visits: number
  reports: number
  steps: number
}

export const POINT_REASONS = ['visit', 'report_verified', 'handled_on_time'] as const
export type PointReason = (typeof POINT_REASONS)[number]

export interface PointEntry {
  /** One of POINT_REASONS, or a newer reason this build does not know. */
  reason: string
  refId: string
  points: number
  atMs: number
}

export interface PointsSummary {
  total: number
  /** Newest first. */
  entries: PointEntry[]
}

// ----- Notices ------------------------------------------------------------------

export const NOTICE_KINDS = ['new_task', 'deadline_soon', 'returned'] as const
export type NoticeKind = (typeof NOTICE_KINDS)[number]

export interface Notice {
  kind: NoticeKind
  issueId: string
  description: string
  deadlineAtMs: number | null
  /** Not seen on the tasks screen yet. */
  unread: boolean
}

// ----- Settings, account, map ---------------------------------------------------

/** Which coordinates the configured map tiles are drawn in. */
export type TileCrs = 'wgs84' | 'gcj02'

export interface Settings {
  /** An http(s) URL with {z}, {x} and {y}; null draws the map on a plain background. */
  tileUrl: string | null
  tileCrs: TileCrs
  /** How close to an issue a handling photo must be, 10 to 1000 m. */
  handleRadiusM: number
}

export interface AppInfo {
  version: string
  databaseBytes: number
  photoBytes: number
  pending: number
  /** How many times a full ID or phone number was shown on this phone. */
  reveals: number
}

/** `[lat, lon]` in decimal degrees. */
export type LatLonPair = [number, number]

export interface MapIssue {
  id: string
  domain: DomainCode
  status: IssueStatus
  lat: number
  lon: number
}

export interface MapEnterprise {
  id: string
  name: string
  lat: number
  lon: number
}

export interface MapData {
  /** Polygons, each a ring of `[lon, lat]` (GeoJSON order, unlike LatLonPair). */
  boundary: [number, number][][]
  issues: MapIssue[]
  enterprises: MapEnterprise[]
}
