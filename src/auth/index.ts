// Authentication for the REST API: decorates `request.auth` and provides the `requireApiKey`
// hook that feature plugins add to their own routes (STYLE §8.15).
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Forbidden, ServiceUnavailable, Unauthorized } from '../errors.js'
import { createDelegatedAuth } from './delegated.js'
import { credentialFromHeaders } from './keys.js'
import { checkLocalKey, touchApiKey } from './service.js'

export interface AuthContext {
  workspaceId: string
  keyId: string | null
  keyType: 'secret' | 'publishable' | 'delegated'
}

declare module 'fastify' {
  interface FastifyRequest { auth: AuthContext | null }
  interface FastifyInstance { requireApiKey: (req: FastifyRequest) => Promise<void> }
}

const REASONS = { unknown: 'Invalid API key', revoked: 'API key has been revoked', expired: 'API key has expired' } as const

async function authPlugin (app: FastifyInstance): Promise<void> {
  const { config, database } = app
  const delegated = config.authUrl === null ? null : createDelegatedAuth(config.authUrl)
  app.decorateRequest('auth', null)

  async function requireApiKey (req: FastifyRequest): Promise<void> {
    const cred = credentialFromHeaders(req.headers.authorization, req.headers['x-api-key'])
    if (cred.kind === 'none') throw new Unauthorized('Missing credentials: send Authorization: Bearer <key> or X-Api-Key')
    if (cred.kind === 'malformed') throw new Unauthorized(cred.reason)
    const local = await checkLocalKey(database.db, config.secret, cred.token)
    if (local.ok) {
      if (local.key.type !== 'secret') throw new Forbidden('Publishable keys may only send beacons; use a secret key for the REST API')
      touchApiKey(database.sql, local.key.id)
      req.auth = { workspaceId: local.key.workspaceId, keyId: local.key.id, keyType: 'secret' }
      return
    }
    if (delegated === null || local.reason !== 'unknown') throw new Unauthorized(REASONS[local.reason])
    const answer = await delegated(cred.token, cred.via)
    if (answer.ok) { req.auth = { workspaceId: answer.workspaceId, keyId: null, keyType: 'delegated' }; return }
    if (answer.status === 401) throw new Unauthorized(REASONS.unknown)
    if (answer.status === 403) throw new Forbidden('Credential is not allowed to use this API')
    throw new ServiceUnavailable('Authentication backend unavailable')
  }

  app.decorate('requireApiKey', requireApiKey)
}

export default fp(authPlugin, { name: 'auth', fastify: '5.x', dependencies: ['core'] })

/** The workspace of an authenticated request (routes behind requireApiKey only). */
export function workspaceOf (req: FastifyRequest): string {
  if (req.auth === null) throw new Unauthorized('Missing credentials')
  return req.auth.workspaceId
}
