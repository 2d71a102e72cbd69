// Guards the application-made ids: RFC 9562 version 7 layout, time order, uniqueness.
import t from 'tap'
import { isUuid, uuidTimeFloor, uuidv7, uuidv7At } from './uuid.js'

t.test('uuidv7: version/variant bits, time prefix, order and uniqueness', async t => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0)
  const id = uuidv7(now)
  t.ok(isUuid(id))
  t.equal(id[14], '7', 'version 7')
  t.ok('89ab'.includes(id[19]), 'RFC 4122 variant')
  t.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), now, 'the first 48 bits are the time')
  const ids = Array.from({ length: 20_000 }, () => uuidv7())
  t.equal(new Set(ids).size, ids.length, 'unique across pool refills')
  t.same([...ids].sort(), ids, 'ordered, also within one millisecond')
})

t.test('uuidv7At: exactly the time given (backdated too), ordered within a millisecond; floors bound id ranges', async t => {
  const at = Date.UTC(2026, 10, 20, 8, 30, 0)
  const id = uuidv7At(at)
  t.equal(id[14], '7')
  t.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), at, 'the time is the event time, not now')
  const same = Array.from({ length: 1000 }, () => uuidv7At(at + 1))
  t.same([...same].sort(), same, 'ordered within one millisecond')
  t.equal(new Set(same).size, same.length)
  t.ok(uuidTimeFloor(at) <= id && id < uuidTimeFloor(at + 1), 'the floors of two milliseconds bracket the id')
})
