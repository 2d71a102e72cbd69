// Shared by the issue-14 security tests: a beacon over real HTTP (app.inject), its cookies, and
// the stored event of a beacon found by its client event_id (events name a browser; the visitor
// comes through visitor_browsers).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type postgres from 'postgres'

export type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
export const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

export interface Beacon { status: number, json: Json, res: LightMyRequestResponse }

export async function beacon (app: FastifyInstance, body: Json, headers: Record<string, string> = {}, path = '/ga/t/event'): Promise<Beacon> {
  const res = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': UA, ...headers }, payload: JSON.stringify(body) })
  let json: Json = {}
  try { json = JSON.parse(res.body) } catch { json = {} }
  return { status: res.statusCode, json, res }
}

export function cookieJar (res: LightMyRequestResponse): string {
  const list = res.headers['set-cookie']
  return (Array.isArray(list) ? list : list === undefined ? [] : [list]).map(c => c.split(';')[0]).join('; ')
}

/** The event a beacon with this event_id stored (undefined when none), with its browser's visitor. */
export async function beaconEvent (sql: postgres.Sql, clientEventId: string): Promise<Json | undefined> {
  const [row] = await sql`
    select e.*, m.visitor_id from event_keys k
    join events e on e.workspace_id = k.workspace_id and e.id = k.event_id
    left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text
    where k.kind = 'client_event' and k.key = ${clientEventId}`
  return row
}
