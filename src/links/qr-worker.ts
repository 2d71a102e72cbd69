// Worker thread that renders QR codes (issue 14 item 4): building the symbol (QRCode.create tries
// all eight masks) and the image takes tens of milliseconds for large codes, which must not stall
// the process's event loop. Messages: {id, text, opts} → {id, qr} | {id, tooLarge: true} | {id, error}.
import { parentPort } from 'node:worker_threads'
import { qrMatrix, renderQr, type QrOptions } from './qr.js'

parentPort?.on('message', (job: { id: number, text: string, opts: QrOptions }) => {
  void (async () => {
    try {
      const matrix = qrMatrix(job.text, job.opts)
      if (matrix === null) { parentPort?.postMessage({ id: job.id, tooLarge: true }); return }
      const qr = await renderQr(job.text, job.opts, matrix)
      parentPort?.postMessage({ id: job.id, qr })
    } catch (err) {
      parentPort?.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) })
    }
  })()
})
