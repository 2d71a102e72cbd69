// Patches postgres.js 3.4.x's write scheduler (upstream porsager/postgres#1154, #1208, PR #1209,
// unreleased as of 3.4.9): a small write is deferred with setImmediate; when the connection
// closes first, the deferred write dereferences a null socket and throws from the immediate,
// which no caller can catch, so a database restart crashes the whole process. The guard settles
// the pending queries with CONNECTION_CLOSED instead. Idempotent; runs from `postinstall`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres')
const MARK = '/* ga-patch: null-socket guard */'
const FROM = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`
const TO = `  function nextWrite(fn) {
    ${MARK}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`

let patched = 0
for (const rel of ['src/connection.js', 'cjs/src/connection.js']) {
  const file = join(root, rel)
  if (!existsSync(file)) continue
  const text = readFileSync(file, 'utf8')
  if (text.includes(MARK)) { patched++; continue }
  if (!text.includes(FROM)) { console.warn(`patch-postgres: ${rel} changed upstream; guard not applied (check whether the new version fixed #1154)`); continue }
  // Teardown must forget a cancelled immediate too, or the next write is never scheduled.
  const fixed = text.replace(FROM, TO).replaceAll('    clearImmediate(nextWriteTimer)\n', '    clearImmediate(nextWriteTimer)\n    nextWriteTimer = null\n    chunk = null\n')
  writeFileSync(file, fixed)
  patched++
}
if (patched > 0) console.log(`patch-postgres: null-socket guard in place (${patched} file(s))`)
