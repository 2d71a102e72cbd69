// Minifies the browser snippet and enforces its size budget (1.5 KB gzipped): pages load it on
// every view, so growth must be a deliberate decision, not an accident.
import { readFile, writeFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { transform } from 'esbuild'

const SOURCE = new URL('../public/good-analytics.js', import.meta.url)
const TARGET = new URL('../public/good-analytics.min.js', import.meta.url)
const GZIP_BUDGET_BYTES = 2048

const source = await readFile(SOURCE, 'utf8')
const { code } = await transform(source, {
  loader: 'js',
  minify: true,
  target: 'es2021',
  legalComments: 'none',
  charset: 'utf8',
})
await writeFile(TARGET, code)

const minBytes = Buffer.byteLength(code)
const gzipBytes = gzipSync(code, { level: 9 }).length
console.log(`snippet: ${minBytes} bytes min, ${gzipBytes} bytes gzip`)
if (gzipBytes > GZIP_BUDGET_BYTES) {
  console.error(`snippet: over the ${GZIP_BUDGET_BYTES}-byte gzip budget`)
  process.exit(1)
}
