// The in-memory working set of one batched resolution: the locked candidate rows of the whole
// batch, indexed by signal value, updated as each observation is planned so later observations in
// the same batch see what earlier ones created, changed or merged away.
import { matchingSignals } from './resolve-plan.js'
import type { Signals } from './signals.js'
import { normalizeEmail } from './signals.js'
import { compareByAge, type VisitorRecord } from './visitor.js'

type IndexName = 'ga_id' | 'person_external_id' | 'person_email' | 'fingerprint' | 'anonymous_id' | 'click_id'

function valuesOf (v: VisitorRecord): Array<[IndexName, string]> {
  const out: Array<[IndexName, string]> = []
  if (v.ga_id !== null) out.push(['ga_id', v.ga_id])
  if (v.person_external_id !== null) out.push(['person_external_id', v.person_external_id])
  if (v.person_email !== null) out.push(['person_email', normalizeEmail(v.person_email) ?? v.person_email])
  for (const f of v.fingerprints) out.push(['fingerprint', f])
  for (const a of v.anonymous_ids) out.push(['anonymous_id', a])
  for (const c of v.click_ids) out.push(['click_id', c])
  return out
}

export class CandidatePool {
  private readonly rows = new Map<string, VisitorRecord>()
  // Entries are only ever added: a stale one is filtered out by the match re-check in candidates().
  private readonly index = new Map<string, Set<string>>()

  constructor (rows: readonly VisitorRecord[]) { for (const r of rows) this.put(r) }

  put (v: VisitorRecord): void {
    this.rows.set(v.id, v)
    for (const [name, value] of valuesOf(v)) {
      const k = `${name}\u0000${value}`
      const ids = this.index.get(k) ?? new Set<string>()
      ids.add(v.id)
      this.index.set(k, ids)
    }
  }

  remove (id: string): void { this.rows.delete(id) }

  get (id: string): VisitorRecord | undefined { return this.rows.get(id) }

  /** Living rows matching any supplied signal, oldest first (what the SQL search would return). */
  candidates (s: Signals): VisitorRecord[] {
    const ids = new Set<string>()
    const look = (name: IndexName, value: string | undefined): void => {
      if (value === undefined) return
      for (const id of this.index.get(`${name}\u0000${value}`) ?? []) ids.add(id)
    }
    look('ga_id', s.ga_id)
    look('person_external_id', s.person_external_id)
    look('person_email', s.person_email)
    look('fingerprint', s.fingerprint)
    look('anonymous_id', s.anonymous_id)
    look('click_id', s.click_id)
    const out: VisitorRecord[] = []
    for (const id of ids) {
      const v = this.rows.get(id)
      if (v !== undefined && v.status !== 'merged' && matchingSignals(v, s).length > 0) out.push(v)
    }
    return out.sort(compareByAge)
  }
}
