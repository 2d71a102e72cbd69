// Domain orchestration: validate → write (with the NOTIFY every process listens to) → answer.
// Also the one rule links obey (linkDomainGuard): a link is created only on a shared default
// domain or on a domain of its own workspace.
import type { Db } from '../db/client.js'
import { isUuid, uuidv7 } from '../db/uuid.js'
import { ValidationFailed } from '../errors.js'
import { normalizeHost } from '../links/host.js'
import { validateDestinationUrl } from '../links/url-validation.js'
import { DomainInUse, DomainNotFound, DomainNotVerified, DomainOfAnotherWorkspace, DomainTaken, DomainVerificationFailed } from './errors.js'
import { deleteDomain, findDomain, findDomainByHost, insertDomain, listDomains, lockForLink, markVerified, updateDomain, type Tx } from './queries.js'
import type { DomainReply } from './schemas.js'
import type { DomainRow, NewDomainRow } from './table.js'
import { checkTxtRecord, newVerificationToken, verificationRecord, type ResolveTxt } from './verify.js'

export const DOMAIN_VERIFICATION_MODES = ['optional', 'required'] as const
export type DomainVerificationMode = typeof DOMAIN_VERIFICATION_MODES[number]

export interface DomainServiceDeps {
  db: Db
  /** GA_LINK_DOMAINS, normalised: shared by every workspace, never owned. */
  sharedDomains: readonly string[]
  verification: DomainVerificationMode
  resolveTxt: ResolveTxt
  /** Drops this process's cached answers at once (the NOTIFY reaches the others). */
  changed: () => void
}

export function domainJson (row: DomainRow, shared: readonly string[]): DomainReply {
  return {
    id: row.id,
    domain: row.host,
    root_url: row.rootUrl,
    not_found_url: row.notFoundUrl,
    expired_url: row.expiredUrl,
    verified: row.verifiedAt !== null,
    verified_at: row.verifiedAt?.toISOString() ?? null,
    verification: verificationRecord(row.host, row.verificationToken),
    shared: shared.includes(row.host),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString()
  }
}

type PageFields = { root_url?: string | null, not_found_url?: string | null, expired_url?: string | null }
const PAGES = [['root_url', 'rootUrl'], ['not_found_url', 'notFoundUrl'], ['expired_url', 'expiredUrl']] as const

/** The page URLs as columns (null clears); each must be a safe destination that does not loop back to the domain. */
function pageColumns (body: PageFields, host: string, shared: readonly string[], errors: Record<string, string>): Partial<NewDomainRow> {
  const set: Partial<NewDomainRow> = {}
  for (const [field, column] of PAGES) {
    const raw = body[field]
    if (raw === undefined) continue
    if (raw === null || raw === '') { set[column] = null; continue }
    const check = validateDestinationUrl(raw, { ownDomains: [host, ...shared] })
    if (check.ok) set[column] = check.url
    else errors[field] = check.reason
  }
  return set
}

export async function createDomain (deps: DomainServiceDeps, workspaceId: string, body: PageFields & { domain: string }): Promise<DomainRow> {
  const errors: Record<string, string> = {}
  const host = normalizeHost(body.domain)
  if (host === null) errors.domain = 'must be a host name such as go.example.com'
  else if (deps.sharedDomains.includes(host)) errors.domain = 'is a shared default domain (GA_LINK_DOMAINS): every workspace may already use it'
  const pages = host === null ? {} : pageColumns(body, host, deps.sharedDomains, errors)
  if (Object.keys(errors).length > 0 || host === null) throw new ValidationFailed(errors)
  const created = await insertDomain(deps.db, { id: uuidv7(), workspaceId, host, verificationToken: newVerificationToken(), ...pages })
  if (created === null) throw new DomainTaken(host)
  deps.changed()
  return created
}

export async function getDomainOrThrow (db: Db, workspaceId: string, id: string): Promise<DomainRow> {
  const row = isUuid(id) ? await findDomain(db, workspaceId, id) : null
  if (row === null) throw new DomainNotFound()
  return row
}

export async function listWorkspaceDomains (db: Db, workspaceId: string, limit: number, offset: number): Promise<DomainRow[]> {
  return await listDomains(db, workspaceId, limit, offset)
}

export async function updateDomainPages (deps: DomainServiceDeps, workspaceId: string, id: string, body: PageFields): Promise<DomainRow> {
  const current = await getDomainOrThrow(deps.db, workspaceId, id)
  const errors: Record<string, string> = {}
  const set = pageColumns(body, current.host, deps.sharedDomains, errors)
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors)
  const row = await updateDomain(deps.db, workspaceId, id, set)
  if (row === null) throw new DomainNotFound()
  deps.changed()
  return row
}

export async function removeDomain (deps: DomainServiceDeps, workspaceId: string, id: string): Promise<void> {
  if (!isUuid(id)) throw new DomainNotFound()
  const outcome = await deleteDomain(deps.db, workspaceId, id)
  if (outcome === 'not_found') throw new DomainNotFound()
  if ('inUse' in outcome) throw new DomainInUse(outcome.inUse)
  deps.changed()
}

export async function verifyDomain (deps: DomainServiceDeps, workspaceId: string, id: string): Promise<DomainRow> {
  const current = await getDomainOrThrow(deps.db, workspaceId, id)
  if (current.verifiedAt !== null) return current
  const outcome = await checkTxtRecord(deps.resolveTxt, current.host, current.verificationToken)
  if (!outcome.ok) throw new DomainVerificationFailed(`Domain not verified: ${outcome.reason}`)
  const row = await markVerified(deps.db, workspaceId, id)
  if (row === null) throw new DomainNotFound()
  deps.changed()
  return row
}

export type LinkDomainCheck = { ok: true } | { ok: false, reason: string }

/**
 * Runs inside a link write's transaction, before the write: the link's domain must be a shared
 * default domain or belong to the workspace (and be verified when verification is required).
 * Without GA_LINK_DOMAINS an unowned domain is claimed for the workspace on first use; with
 * them, it must be added through /ga/api/domains first. Throws 409/422.
 */
export async function linkDomainGuard (deps: Pick<DomainServiceDeps, 'sharedDomains' | 'verification'>, tx: Tx, workspaceId: string, host: string): Promise<void> {
  if (deps.sharedDomains.includes(host)) return
  const autoClaim = deps.sharedDomains.length === 0 && deps.verification === 'optional'
  const claim: NewDomainRow | null = autoClaim ? { id: uuidv7(), workspaceId, host, verificationToken: newVerificationToken() } : null
  const owner = await lockForLink(tx, host, claim)
  if (owner === null) {
    const shared = deps.sharedDomains.length === 0 ? '' : `one of ${deps.sharedDomains.join(', ')} or `
    throw new ValidationFailed({ domain: `must be ${shared}a domain of this workspace (add it with POST /ga/api/domains)` })
  }
  if (owner.workspaceId !== workspaceId) throw new DomainOfAnotherWorkspace(host)
  if (deps.verification === 'required' && owner.verifiedAt === null) throw new DomainNotVerified(host)
}

export { findDomainByHost }
