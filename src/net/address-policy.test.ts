import t from 'tap'
import { isPublicAddress, unbracket, v6Bytes } from './address-policy.js'

const cases: Array<[string, boolean]> = [
  ['93.184.216.34', true],
  ['8.8.8.8', true],
  ['1.1.1.1', true],
  ['2606:4700:4700::1111', true],
  ['127.0.0.1', false],
  ['127.255.255.254', false],
  ['10.0.0.1', false],
  ['172.16.0.1', false],
  ['172.31.255.255', false],
  ['172.32.0.1', true],
  ['192.168.1.1', false],
  ['169.254.169.254', false],
  ['100.64.0.1', false],
  ['100.128.0.1', true],
  ['0.0.0.0', false],
  ['224.0.0.1', false],
  ['255.255.255.255', false],
  ['198.18.0.1', false],
  ['192.0.2.1', false],
  ['::', false],
  ['::1', false],
  ['fe80::1', false],
  ['fd00:ec2::254', false],
  ['fc00::1', false],
  ['ff02::1', false],
  ['2001:db8::1', false],
  ['::ffff:127.0.0.1', false],
  ['::ffff:7f00:1', false],
  ['::ffff:8.8.8.8', true],
  ['64:ff9b::a00:1', false],
  ['2002:a9fe:a9fe::1', false],
  ['2002:0808:0808::1', true],
  ['::127.0.0.1', false],
  ['not-an-ip', false],
  ['', false]
]

t.test('isPublicAddress', async t => {
  for (const [ip, expected] of cases) t.equal(isPublicAddress(ip), expected, ip)
})

t.test('v6Bytes', async t => {
  t.same(v6Bytes('::1'), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
  t.same(v6Bytes('fd00:ec2::254').slice(0, 4), [0xfd, 0x00, 0x0e, 0xc2])
  t.same(v6Bytes('::ffff:1.2.3.4').slice(10), [0xff, 0xff, 1, 2, 3, 4])
  t.same(v6Bytes('1:2:3:4:5:6:7:8'), [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8])
})

t.test('unbracket', async t => {
  t.equal(unbracket('[::1]'), '::1')
  t.equal(unbracket('example.com'), 'example.com')
})
