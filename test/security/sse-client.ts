// A minimal text/event-stream client for the issue-14 stream tests: status, raw text so far, and
// a promise that settles when the server ends the response.
import { request as httpRequest, type ClientRequest } from 'node:http'

export interface OpenStream { status: number, text: () => string, ended: Promise<void>, req: ClientRequest, body: Promise<string> }

export async function openStream (baseUrl: string, headers: Record<string, string>): Promise<OpenStream> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}/ga/api/stream?topics=events`, { headers: { ...headers, accept: 'text/event-stream' } }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('error', () => {})
      const ended = new Promise<void>(done => { res.on('end', () => { done() }); res.on('close', () => { done() }) })
      resolve({ status: res.statusCode ?? 0, text: () => text, ended, req, body: ended.then(() => text) })
    })
    req.on('error', reject)
    req.end()
  })
}

export async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`timed out after ${ms} ms: ${what}`)) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}
