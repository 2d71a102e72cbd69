// Captures the app's pino output (JSON lines) for assertions about what gets logged.
import { Writable } from 'node:stream'
import { loggerOptions } from '../../src/app.js'

export interface LogCapture { logger: object, lines: () => Array<Record<string, unknown>>, text: () => string }

export function captureLogs (level = 'info'): LogCapture {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { chunks.push(String(chunk)); done() } })
  return {
    logger: { ...loggerOptions(level), stream },
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter(l => l.trim() !== '').map(l => JSON.parse(l) as Record<string, unknown>)
  }
}
