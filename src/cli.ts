#!/usr/bin/env node
// good-analytics CLI: the same services the admin API uses, without a running server.
//   migrate · workspaces create <name> | list · keys create <workspace-id> [--name n] [--type secret|publishable] [--origins a,b]
//   [--allow-client-sales true] | list <workspace-id> | update <key-id> --allow-client-sales true|false | revoke <key-id> ·
//   identity-secret show|rotate <workspace-id> · trust <workspace-id> [--count-client-revenue true|false] · partitions
//   · sessions rebuild --from ISO --to ISO [--workspace id]
// Every command accepts --json for machine-readable output.
import { parseArgs } from 'node:util'
import { ConfigError } from './config.js'
import { isUuid } from './db/uuid.js'
import { runPartitionKeeper } from './db/partitions.js'
import { startRuntime, type Runtime } from './runtime.js'
import * as svc from './auth/service.js'
import { normalizeOrigin } from './auth/origins.js'
import { ValidationFailed } from './errors.js'
import { createTrustService, type TrustService } from './trust/service.js'
import { rebuildSessions } from './sessions/rebuild.js'

class UsageError extends Error {}

const USAGE = `usage: good-analytics <command> [--json]
  migrate                               apply pending migrations
  workspaces create <name>              create a workspace
  workspaces list                       list workspaces
  keys create <workspace-id> [--name N] [--type secret|publishable] [--origins https://a.com,https://b.com] [--allow-client-sales true]
  keys list <workspace-id>              list a workspace's keys (never the keys themselves)
  keys update <key-id> --allow-client-sales true|false
                                        let pages send sale beacons with this publishable key (or stop them)
  keys revoke <key-id>                  revoke a key
  identity-secret show <workspace-id>   print the secret identity tokens are signed with
  identity-secret rotate <workspace-id> create or replace it (the previous one verifies 24 h more)
  trust <workspace-id> [--count-client-revenue true|false]
                                        show (or change) whether browser sales count in revenue
  partitions                            create upcoming event partitions, apply retention
  sessions rebuild --from ISO --to ISO [--workspace ID]
                                        rebuild the sessions of a time range from the events`

type Out = (human: string, json: unknown) => void

interface Flags {
  name?: string, type?: string, origins?: string, from?: string, to?: string, workspace?: string,
  'allow-client-sales'?: string, 'count-client-revenue'?: string
}

function isoArg (name: string, value: string | undefined): Date {
  const at = value === undefined ? new Date(Number.NaN) : new Date(value)
  if (!Number.isFinite(at.getTime())) throw new UsageError(`--${name} needs an ISO-8601 date-time, e.g. 2026-12-01T00:00:00Z`)
  return at
}

function boolFlag (name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return value
  if (value === 'true') return true
  if (value === 'false') return false
  throw new UsageError(`--${name} must be true or false`)
}

async function workspaceArg (rt: Runtime, arg: string | undefined, what: string): Promise<string> {
  if (!isUuid(arg)) throw new UsageError(`${what} needs a workspace id (UUID)`)
  if (await svc.findWorkspace(rt.database.db, arg) === null) throw new UsageError(`workspace ${arg} not found`)
  return arg
}

async function runTrust (rt: Runtime, trust: TrustService, args: string[], values: Flags, out: Out): Promise<boolean> {
  const [cmd, sub, arg] = args
  if (cmd === 'identity-secret' && (sub === 'show' || sub === 'rotate')) {
    const ws = await workspaceArg(rt, arg, `identity-secret ${sub}`)
    const found = sub === 'rotate' ? await trust.rotateIdentitySecret(ws) : await trust.readIdentitySecret(ws)
    if (found === null) throw new UsageError(`workspace ${ws} has no usable identity secret: run identity-secret rotate ${ws}`)
    out(`${found.identity_secret}\n(created ${found.created_at}; keep it on your backend, never in a page)`, found)
    return true
  }
  if (cmd === 'trust') {
    const ws = await workspaceArg(rt, sub, 'trust')
    const on = boolFlag('count-client-revenue', values['count-client-revenue'])
    const view = on === undefined ? await trust.view(ws) : await trust.setCountClientRevenue(ws, on)
    out(`count_client_revenue: ${String(view.count_client_revenue)}\nidentity secret: ${view.identity_secret_set ? `set ${view.identity_secret_created_at ?? ''}` : 'not set'}`, view)
    return true
  }
  return false
}

async function run (rt: Runtime, args: string[], values: Flags, out: Out): Promise<void> {
  const { db } = rt.database
  const [cmd, sub, arg] = args
  if (cmd === 'migrate') { out('migrations applied', { ok: true }); return }
  if (cmd === 'partitions') {
    const r = await runPartitionKeeper(rt.database.sql, { schema: rt.config.schema, retentionMonths: rt.config.retentionMonths })
    out(r.months.map(m => `${m.partition_name}: ${m.status}`).concat(r.dropped.map(d => `${d}: dropped`)).join('\n') || 'skipped (another process holds the lock)', r)
    return
  }
  if (cmd === 'sessions' && sub === 'rebuild') {
    const from = isoArg('from', values.from)
    const to = isoArg('to', values.to)
    if (from >= to) throw new UsageError('--from must be before --to')
    if (values.workspace !== undefined && !isUuid(values.workspace)) throw new UsageError('--workspace needs a workspace id (UUID)')
    const r = await rebuildSessions(rt.database.sql, rt.config.schema, { from, to, workspaceId: values.workspace })
    out(`rebuilt ${r.sessions} session(s) of ${r.browsers} browser(s) from ${r.events} event(s)`, r)
    return
  }
  if (cmd === 'workspaces' && sub === 'create') {
    if (arg === undefined || arg.trim() === '') throw new UsageError('workspaces create needs a name')
    const row = await svc.createWorkspace(db, arg.trim())
    if (row === null) throw new Error('workspace id collision, try again')
    out(`created workspace ${row.id} (${row.name})`, svc.workspaceView(row))
    return
  }
  if (cmd === 'workspaces' && sub === 'list') {
    const rows = (await svc.listWorkspaces(db)).map(svc.workspaceView)
    out(rows.map(w => `${w.id}  ${w.name}`).join('\n'), rows)
    return
  }
  if (cmd === 'keys' && (sub === 'create' || sub === 'list')) {
    if (!isUuid(arg)) throw new UsageError(`keys ${sub} needs a workspace id (UUID)`)
    if (await svc.findWorkspace(db, arg) === null) throw new UsageError(`workspace ${arg} not found`)
    if (sub === 'list') {
      const rows = (await svc.listApiKeys(db, arg)).map(svc.apiKeyView)
      out(rows.map(k => `${k.id}  ${k.prefix}…  ${k.type}  ${k.name}${k.revoked_at === null ? '' : '  (revoked)'}`).join('\n'), rows)
      return
    }
    const type = values.type ?? 'secret'
    if (type !== 'secret' && type !== 'publishable') throw new UsageError('--type must be secret or publishable')
    const origins = (values.origins ?? '').split(',').map(s => s.trim()).filter(Boolean).map(o => {
      const n = normalizeOrigin(o)
      if (n === null) throw new UsageError(`--origins: '${o}' is not an origin like https://www.example.com`)
      return n
    })
    const allowClientSales = boolFlag('allow-client-sales', values['allow-client-sales'])
    const { key, row } = await svc.createApiKey(db, rt.config.secret, { workspaceId: arg, name: values.name ?? 'cli', type, allowedOrigins: origins, allowClientSales })
    out(`created ${type} key ${row.id}\n${key}\n(shown only once)`, { ...svc.apiKeyView(row), key })
    return
  }
  if (cmd === 'keys' && sub === 'update') {
    if (!isUuid(arg)) throw new UsageError('keys update needs a key id (UUID)')
    const allowClientSales = boolFlag('allow-client-sales', values['allow-client-sales'])
    if (allowClientSales === undefined) throw new UsageError('keys update needs --allow-client-sales true|false')
    const row = await svc.updateApiKey(db, arg, { allowClientSales })
    if (row === null) throw new UsageError(`key ${arg} not found`)
    out(`key ${row.id}: allow_client_sales ${String(row.allowClientSales)}`, svc.apiKeyView(row))
    return
  }
  if (await runTrust(rt, createTrustService({ sql: rt.database.sql, secret: rt.config.secret }), args, values, out)) return
  if (cmd === 'keys' && sub === 'revoke') {
    if (!isUuid(arg)) throw new UsageError('keys revoke needs a key id (UUID)')
    const row = await svc.revokeApiKey(db, arg)
    if (row === null && await svc.findApiKey(db, arg) === null) throw new UsageError(`key ${arg} not found`)
    out(`revoked ${arg}`, { id: arg, revoked: true })
    return
  }
  throw new UsageError(USAGE)
}

async function main (): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      name: { type: 'string' },
      type: { type: 'string' },
      origins: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      workspace: { type: 'string' },
      'allow-client-sales': { type: 'string' },
      'count-client-revenue': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help === true || positionals.length === 0) { process.stdout.write(USAGE + '\n'); return }
  const out: Out = (human, json) => { process.stdout.write((values.json === true ? JSON.stringify(json) : human) + '\n') }
  let rt: Runtime | null = null
  try {
    rt = await startRuntime()
    await run(rt, positionals, values, out)
  } catch (err) {
    const msg = err instanceof UsageError || err instanceof ConfigError || err instanceof ValidationFailed ? err.message : `error: ${err instanceof Error ? err.message : String(err)}`
    if (values.json === true) process.stdout.write(JSON.stringify({ error: msg }) + '\n')
    else process.stderr.write(msg + '\n')
    process.exitCode = err instanceof UsageError || err instanceof ValidationFailed ? 2 : 1
  } finally {
    await rt?.close()
  }
}

void main()
