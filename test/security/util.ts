// Shared by the issue-14 regression tests: a second tenant, and JSON calls through app.inject.
import type { FastifyInstance } from 'fastify'
import { createApiKey, createWorkspace } from '../../src/auth/service.js'
import type { TestApp } from '../helper.js'

export interface Tenant { workspaceId: string, apiKey: string, auth: { authorization: string } }

/** A new workspace with a secret key (the helper's `build` gives the default one). */
export async function addTenant (built: TestApp, name = 'second'): Promise<Tenant> {
  const ws = await createWorkspace(built.database.db, name)
  if (ws === null) throw new Error('workspace not created')
  const { key } = await createApiKey(built.database.db, built.config.secret, { workspaceId: ws.id, name: 'backend', type: 'secret' })
  return { workspaceId: ws.id, apiKey: key, auth: { authorization: `Bearer ${key}` } }
}

export interface Reply { status: number, headers: Record<string, unknown>, body: string, json: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export async function inject (app: FastifyInstance, method: string, url: string, opts: { headers?: Record<string, string>, body?: unknown } = {}): Promise<Reply> {
  const res = await app.inject({ method: method as 'GET', url, headers: opts.headers, ...(opts.body === undefined ? {} : { payload: opts.body as object }) })
  let json: unknown = null
  try { json = JSON.parse(res.body) } catch { json = null }
  return { status: res.statusCode, headers: res.headers, body: res.body, json }
}
