// One server-sent-events connection with a bounded backlog: when the client stops reading and
// the bytes queued on its socket pass the limit, it is dropped instead of growing our memory.
// Takes a minimal writable so it can be tested without sockets.
export interface SseSink {
  write: (chunk: string) => boolean
  readonly writableLength: number
  destroy: () => void
}

export const DEFAULT_MAX_BACKLOG_BYTES = 256 * 1024

/** Frames one message; data is JSON so it holds no raw newlines. */
export function sseFrame (id: string, data: unknown): string {
  return `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`
}

export class SseConnection {
  private closed = false
  constructor (private readonly sink: SseSink, private readonly opts: { maxBacklogBytes: number, onDrop: () => void }) {}

  get isClosed (): boolean { return this.closed }

  send (id: string, data: unknown): void { this.write(sseFrame(id, data)) }

  comment (text: string): void { this.write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`) }

  raw (text: string): void { this.write(text) }

  close (): void { this.closed = true }

  private write (chunk: string): void {
    if (this.closed) return
    this.sink.write(chunk)
    if (this.sink.writableLength > this.opts.maxBacklogBytes) {
      this.closed = true
      this.sink.destroy()
      this.opts.onDrop()
    }
  }
}
