// Link CRUD orchestration: validate → hash password → write (with the NOTIFY that invalidates every
// process's cache) → invalidate this process's cache at once. Throws typed errors.
import type { Db } from '../db/client.js'
import { isUuid, uuidv7 } from '../db/uuid.js'
import { ValidationFailed } from '../errors.js'
import { encodeInvalidation } from './cache.js'
import { ExternalIdTaken, KeySpaceCrowded, LinkKeyTaken, LinkNotFound, violatedUniqueIndex, DOMAIN_KEY_CONSTRAINT, EXTERNAL_ID_CONSTRAINT } from './errors.js'
import { generateFreeKey, GENERATE_KEY_ATTEMPTS } from './keys.js'
import { validateLinkInput, type LinkBody, type LinkChanges } from './link-input.js'
import { hashPassword } from './password.js'
import { findLink, insertLink, isKeyTaken, listLiveLinks, updateLiveLink, type LinkListFilter } from './queries.js'
import type { LinkRow, NewLinkRow } from './table.js'
import type { AfterWrite, BeforeWrite } from './queries.js'
import type { Tx } from '../domains/queries.js'
import type { Executor } from '../webhooks/executor.js'

export interface LinkServiceDeps {
  db: Db
  linkDomains: readonly string[]
  /** Inside the write's transaction: throws unless the workspace may put a link on this domain (domains feature). */
  domainGuard?: (tx: Tx, workspaceId: string, domain: string) => Promise<void>
  /** Drops this process's cache entries for these keys (the NOTIFY reaches the others). */
  invalidate: (keys: string[]) => void
  now?: () => number
  /** Announces link.created/updated/archived in the write's transaction (webhooks). */
  announce?: (tx: Executor, type: 'link.created' | 'link.updated' | 'link.archived', row: LinkRow) => Promise<void>
}

function guarding (deps: LinkServiceDeps, workspaceId: string): BeforeWrite | undefined {
  const guard = deps.domainGuard
  return guard === undefined ? undefined : async (tx, domain) => { await guard(tx, workspaceId, domain) }
}

function announcing (deps: LinkServiceDeps, type: 'link.created' | 'link.updated' | 'link.archived'): AfterWrite | undefined {
  const announce = deps.announce
  return announce === undefined ? undefined : async (tx, row) => { await announce(tx, type, row) }
}

export async function createLink (deps: LinkServiceDeps, workspaceId: string, body: LinkBody): Promise<LinkRow> {
  const check = validateLinkInput(body, { linkDomains: deps.linkDomains, nowMs: (deps.now ?? Date.now)(), mode: 'create' })
  if (!check.ok) throw new ValidationFailed(check.errors)
  const changes = check.changes
  const domain = changes.domain as string
  const columns = await toColumns(changes)
  const generated = changes.key === undefined

  // A generated key can still collide between the check and the insert: draw again on a unique violation.
  for (let attempt = 0; attempt < (generated ? GENERATE_KEY_ATTEMPTS : 1); attempt++) {
    const key = changes.key ?? await generateFreeKey(async k => await isKeyTaken(deps.db, domain, k))
    if (key === null) throw new KeySpaceCrowded()
    const row: NewLinkRow = { ...columns, id: uuidv7(), workspaceId, domain, key, url: changes.url as string }
    try {
      const created = await insertLink(deps.db, row, encodeInvalidation([key]), announcing(deps, 'link.created'), guarding(deps, workspaceId))
      deps.invalidate([key])
      return created
    } catch (err) {
      const index = violatedUniqueIndex(err)
      if (index === EXTERNAL_ID_CONSTRAINT) throw new ExternalIdTaken()
      if (index === DOMAIN_KEY_CONSTRAINT && !generated) throw new LinkKeyTaken()
      if (index !== DOMAIN_KEY_CONSTRAINT) throw err
    }
  }
  throw new KeySpaceCrowded()
}

export async function updateLink (deps: LinkServiceDeps, workspaceId: string, id: string, body: LinkBody): Promise<LinkRow> {
  const current = await getLinkOrThrow(deps.db, workspaceId, id)
  if (current.archivedAt !== null) throw new LinkNotFound()
  const check = validateLinkInput(body, { linkDomains: deps.linkDomains, nowMs: (deps.now ?? Date.now)(), mode: 'update', currentDomain: current.domain })
  if (!check.ok) throw new ValidationFailed(check.errors)
  const set = await toColumns(check.changes)
  if (check.changes.domain !== undefined) set.domain = check.changes.domain
  if (check.changes.key !== undefined) set.key = check.changes.key
  if (check.changes.url !== undefined) set.url = check.changes.url
  try {
    const updated = await updateLiveLink(deps.db, workspaceId, id, set, (before, after) => encodeInvalidation([before.key, after.key]), announcing(deps, 'link.updated'), guarding(deps, workspaceId))
    if (updated === null) throw new LinkNotFound()
    deps.invalidate([current.key, updated.key])
    return updated
  } catch (err) {
    const index = violatedUniqueIndex(err)
    if (index === EXTERNAL_ID_CONSTRAINT) throw new ExternalIdTaken()
    if (index === DOMAIN_KEY_CONSTRAINT) throw new LinkKeyTaken()
    throw err
  }
}

/** Soft delete: frees domain+key and external_id; GET by id still returns it. */
export async function archiveLink (deps: LinkServiceDeps, workspaceId: string, id: string): Promise<void> {
  if (!isUuid(id)) throw new LinkNotFound()
  const archived = await updateLiveLink(deps.db, workspaceId, id, { archivedAt: new Date() }, before => encodeInvalidation([before.key]), announcing(deps, 'link.archived'))
  if (archived === null) throw new LinkNotFound()
  deps.invalidate([archived.key])
}

export async function getLinkOrThrow (db: Db, workspaceId: string, id: string): Promise<LinkRow> {
  // Not a UUID: no such link (and no 500 from Postgres' uuid parser).
  const row = isUuid(id) ? await findLink(db, workspaceId, id) : null
  if (row === null) throw new LinkNotFound()
  return row
}

export async function listLinks (db: Db, workspaceId: string, filter: LinkListFilter): Promise<LinkRow[]> {
  return await listLiveLinks(db, workspaceId, filter)
}

async function toColumns (c: LinkChanges): Promise<Partial<NewLinkRow>> {
  const columns: Partial<NewLinkRow> = {}
  const copy = ['linkType', 'utmSource', 'utmMedium', 'utmCampaign', 'utmContent', 'utmTerm', 'iosUrl', 'androidUrl',
    'expiredUrl', 'ogImage', 'ogTitle', 'ogDescription', 'externalId', 'geoTargeting', 'expiresAt', 'tags', 'metadata', 'referrerPolicy'] as const
  for (const field of copy) {
    if (c[field] !== undefined) (columns as Record<string, unknown>)[field] = c[field]
  }
  if (c.password !== undefined) columns.passwordHash = c.password === null ? null : await hashPassword(c.password)
  return columns
}
