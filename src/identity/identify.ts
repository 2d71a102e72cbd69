// Reference §2.5 `identify(visitor, person_attrs)` as a plan. The caller loads the visitors that
// already hold the external id / email and persists the result. Fixes over upstream: status never
// moves backwards, identified_at keeps the first identification, emails are normalised, the
// holder's external id is moved (not duplicated) in a merge, and two different external ids are
// never merged.
import { advanceStatus, type JsonObject, type VisitorRecord } from './visitor.js'
import {
  cleanEmail, cleanExternalId, isPlainObject, normalizeEmail
} from './signals.js'
import { distinctExternalIds } from './merge.js'
import { planMergeGroup, type LoserPatch } from './merge-plan.js'

export interface PersonAttrs {
  person_external_id?: string
  person_email?: string
  person_phone?: string
  person_name?: string
  person_metadata?: JsonObject
}
export type RawPersonAttrs = { [K in keyof PersonAttrs]?: unknown }
export const PERSON_ATTR_KEYS = ['person_external_id', 'person_email', 'person_phone', 'person_name', 'person_metadata'] as const
export type PersonAttrKey = typeof PERSON_ATTR_KEYS[number]

export const MAX_PERSON_PHONE_LENGTH = 64
export const MAX_PERSON_NAME_LENGTH = 255

function cleanText (value: unknown, maxLength: number): string | undefined {
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  return text.length > 0 && text.length <= maxLength ? text : undefined
}

/** Keeps the valid attributes; `rejected` names those given (non-null) but unusable. */
export function cleanPersonAttrs (raw: RawPersonAttrs): { attrs: PersonAttrs, rejected: PersonAttrKey[] } {
  const cleaned: PersonAttrs = {
    person_external_id: cleanExternalId(raw.person_external_id),
    person_email: cleanEmail(raw.person_email),
    person_phone: cleanText(raw.person_phone, MAX_PERSON_PHONE_LENGTH),
    person_name: cleanText(raw.person_name, MAX_PERSON_NAME_LENGTH),
    person_metadata: isPlainObject(raw.person_metadata) ? { ...(raw.person_metadata as JsonObject) } : undefined
  }
  const attrs: PersonAttrs = {}
  const rejected: PersonAttrKey[] = []
  for (const key of PERSON_ATTR_KEYS) {
    if (cleaned[key] !== undefined) (attrs as Record<string, unknown>)[key] = cleaned[key]
    else if (raw[key] !== undefined && raw[key] !== null) rejected.push(key)
  }
  return { attrs, rejected }
}

export interface IdentifyHolders {
  /** The non-merged visitor holding attrs.person_external_id, if any. */
  byExternalId?: VisitorRecord | null
  /** Non-merged visitor(s) holding attrs.person_email (email is not unique). */
  byEmail?: VisitorRecord | readonly VisitorRecord[] | null
}

interface PlanBase {
  /** Attributes given but dropped as invalid (e.g. an illegal external id such as 'undefined'). */
  rejected: PersonAttrKey[]
  /** Email holders not merged because they belong to a person with another external id. */
  keptApart: string[]
}
export interface IdentifyUpdate extends PlanBase { kind: 'update', visitor: VisitorRecord }
export interface IdentifyMerge extends PlanBase {
  kind: 'merge'
  survivor: VisitorRecord
  losers: VisitorRecord[]
  loserPatches: LoserPatch[]
}
export interface IdentifyConflict {
  kind: 'conflict'
  reason: 'different_person_external_ids' | 'visitor_merged'
  visitorIds: string[]
  externalIds: string[]
  rejected: PersonAttrKey[]
}
export type IdentifyPlan = IdentifyUpdate | IdentifyMerge | IdentifyConflict

/** Set the person fields on one row (the identify step proper). */
export function applyPersonAttrs (visitor: VisitorRecord, attrs: PersonAttrs, now: Date): VisitorRecord {
  return {
    ...visitor,
    person_external_id: attrs.person_external_id ?? visitor.person_external_id,
    person_email: attrs.person_email ?? visitor.person_email,
    person_phone: attrs.person_phone ?? visitor.person_phone,
    person_name: attrs.person_name ?? visitor.person_name,
    person_metadata: { ...visitor.person_metadata, ...attrs.person_metadata },
    status: advanceStatus(visitor.status, 'identified'),
    identified_at: visitor.identified_at ?? now,
    updated_at: now
  }
}

const asList = (value: VisitorRecord | readonly VisitorRecord[] | null | undefined): readonly VisitorRecord[] =>
  value == null ? [] : Array.isArray(value) ? value : [value as VisitorRecord]

export function planIdentify (visitor: VisitorRecord, raw: RawPersonAttrs, holders: IdentifyHolders, now: Date): IdentifyPlan {
  const { attrs, rejected } = cleanPersonAttrs(raw)
  const externalId = attrs.person_external_id
  if (visitor.status === 'merged') {
    return { kind: 'conflict', reason: 'visitor_merged', visitorIds: visitor.merged_into_id === null ? [visitor.id] : [visitor.id, visitor.merged_into_id], externalIds: [], rejected }
  }
  const isOther = (v: VisitorRecord): boolean =>
    v.id !== visitor.id && v.workspace_id === visitor.workspace_id && v.status !== 'merged'

  const extHolder = externalId === undefined
    ? undefined
    : asList(holders.byExternalId).find(v => isOther(v) && v.person_external_id === externalId)
  // Re-identifying a known person as someone else: refuse rather than rewrite who they are.
  if (externalId !== undefined && visitor.person_external_id !== null && visitor.person_external_id !== externalId) {
    return {
      kind: 'conflict',
      reason: 'different_person_external_ids',
      visitorIds: [visitor.id, ...(extHolder === undefined ? [] : [extHolder.id])],
      externalIds: [visitor.person_external_id, externalId],
      rejected
    }
  }

  const group: VisitorRecord[] = [visitor, ...(extHolder === undefined ? [] : [extHolder])]
  const keptApart: string[] = []
  const email = attrs.person_email
  for (const holder of email === undefined ? [] : asList(holders.byEmail)) {
    if (!isOther(holder) || group.some(v => v.id === holder.id)) continue
    if (holder.person_email === null || normalizeEmail(holder.person_email) !== email) continue
    const groupExternalId = externalId ?? distinctExternalIds(group)[0]
    if (holder.person_external_id !== null && groupExternalId !== undefined && holder.person_external_id !== groupExternalId) {
      keptApart.push(holder.id)
    } else {
      group.push(holder)
    }
  }

  if (group.length === 1) {
    return { kind: 'update', visitor: applyPersonAttrs(visitor, attrs, now), rejected, keptApart }
  }
  const merged = planMergeGroup(group, now)
  return {
    kind: 'merge',
    survivor: applyPersonAttrs(merged.survivor, attrs, now),
    losers: merged.losers,
    loserPatches: merged.loserPatches,
    rejected,
    keptApart
  }
}
