// Small HTTP helpers shared by the identity and events route tests.
import type { FastifyInstance } from 'fastify'

export interface Client { app: FastifyInstance, auth: { authorization: string } }
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export async function call (c: Client, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number, body: Json }> {
  const res = await c.app.inject({ method, url, headers: c.auth, ...(payload === undefined ? {} : { payload: payload as Json }) })
  return { status: res.statusCode, body: res.body === '' ? {} : res.json() }
}

export async function resolve (c: Client, signals: Json): Promise<Json> {
  const r = await call(c, 'POST', '/ga/api/visitors/resolve', signals)
  if (r.status !== 200) throw new Error(`resolve ${r.status}: ${JSON.stringify(r.body)}`)
  return r.body
}

export async function getVisitor (c: Client, id: string): Promise<Json> {
  return (await call(c, 'GET', `/ga/api/visitors/${id}`)).body
}

export async function identify (c: Client, id: string, attrs: Json): Promise<{ status: number, body: Json }> {
  return await call(c, 'POST', `/ga/api/visitors/${id}/identify`, attrs)
}

export async function event (c: Client, body: Json): Promise<{ status: number, body: Json }> {
  return await call(c, 'POST', '/ga/api/events', body)
}
