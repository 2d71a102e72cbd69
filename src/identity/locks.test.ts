// Guards the lock order: keys are stable, distinct per workspace and signal, and sorted as
// signed 64-bit integers (the order pg_advisory_xact_lock sees), so lockers cannot deadlock.
import t from 'tap'
import { signalLockKey, signalLockKeys, sortLockKeys } from './locks.js'

t.test('keys are stable and separate workspaces and signal names', async t => {
  const a = signalLockKey('s', 'w1', 'ga_id', 'x')
  t.equal(a, signalLockKey('s', 'w1', 'ga_id', 'x'))
  t.not(a, signalLockKey('s', 'w2', 'ga_id', 'x'))
  t.not(a, signalLockKey('s', 'w1', 'anonymous_id', 'x'))
  t.ok(BigInt(a) >= -(2n ** 63n) && BigInt(a) < 2n ** 63n)
})

t.test('sorted numerically and deduplicated', async t => {
  t.same(sortLockKeys(['10', '-5', '2', '10', '-20']), ['-20', '-5', '2', '10'])
})

t.test('only supplied signals get keys', async t => {
  t.equal(signalLockKeys('s', 'w', { ga_id: 'g', fingerprint: 'f' }).length, 2)
  t.equal(signalLockKeys('s', 'w', {}).length, 0)
})
