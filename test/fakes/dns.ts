// A tiny authoritative DNS server on 127.0.0.1 (UDP) answering TXT queries from a map the test
// controls; anything else is NXDOMAIN. Real DNS packets, read by Node's own resolver.
import { createSocket as udp } from 'node:dgram'
import { promises as dns } from 'node:dns'


export interface FakeDns {
  /** name (lower-case, no trailing dot) → TXT records, each a list of character-strings. */
  records: Map<string, string[][]>
  /** A resolveTxt bound to this server. */
  resolveTxt: (name: string) => Promise<string[][]>
  queries: string[]
  close: () => Promise<void>
}

function readName (msg: Buffer, offset: number): { name: string, end: number } {
  const labels: string[] = []
  let i = offset
  while (msg[i] !== 0) {
    const len = msg[i]
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'))
    i += len + 1
  }
  return { name: labels.join('.').toLowerCase(), end: i + 1 }
}

export async function startFakeDns (): Promise<FakeDns> {
  const records = new Map<string, string[][]>()
  const queries: string[] = []
  const socket = udp('udp4')
  socket.on('message', (msg, rinfo) => {
    const { name, end } = readName(msg, 12)
    const qtype = msg.readUInt16BE(end)
    const question = msg.subarray(12, end + 4)
    queries.push(name)
    const found = qtype === 16 ? records.get(name) : undefined
    const answers = (found ?? []).map(strings => {
      const rdata = Buffer.concat(strings.map(s => { const b = Buffer.from(s); return Buffer.concat([Buffer.from([b.length]), b]) }))
      const rr = Buffer.alloc(12)
      rr.writeUInt16BE(0xc00c, 0) // pointer to the question's name
      rr.writeUInt16BE(16, 2) // TXT
      rr.writeUInt16BE(1, 4) // IN
      rr.writeUInt32BE(0, 6) // TTL
      rr.writeUInt16BE(rdata.length, 10)
      return Buffer.concat([rr, rdata])
    })
    const header = Buffer.alloc(12)
    header.writeUInt16BE(msg.readUInt16BE(0), 0)
    header.writeUInt16BE(found === undefined ? 0x8583 : 0x8580, 2) // response, authoritative, NXDOMAIN or NOERROR
    header.writeUInt16BE(1, 4)
    header.writeUInt16BE(answers.length, 6)
    socket.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address)
  })
  await new Promise<void>(resolve => { socket.bind(0, '127.0.0.1', resolve) })
  const port = socket.address().port
  const resolver = new dns.Resolver({ timeout: 1000, tries: 1 })
  resolver.setServers([`127.0.0.1:${port}`])
  return {
    records,
    queries,
    resolveTxt: async name => await resolver.resolveTxt(name),
    close: async () => { await new Promise<void>(resolve => { socket.close(() => { resolve() }) }) }
  }
}
