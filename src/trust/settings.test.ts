// Guards the stored trust settings (issue 14 items 2–3): defensive reading, the secret format and
// the previous secret's 24-hour grace after a rotation.
import t from 'tap'
import { generateIdentitySecret, IDENTITY_SECRET_GRACE_MS, previousStillValid, readStoredTrust } from './settings.js'

t.test('reading whatever is stored', async t => {
  t.same(readStoredTrust(undefined), { identity_secret: null, identity_secret_created_at: null, previous_identity_secret: null, count_client_revenue: false })
  t.same(readStoredTrust({ identity_secret: 'v1.x', count_client_revenue: 'yes', previous_identity_secret: '' }),
    { identity_secret: 'v1.x', identity_secret_created_at: null, previous_identity_secret: null, count_client_revenue: false })
  t.equal(readStoredTrust({ count_client_revenue: true }).count_client_revenue, true)
  t.equal(readStoredTrust([1, 2]).identity_secret, null)
})

t.test('secrets are long, random and recognisable', async t => {
  const a = generateIdentitySecret()
  t.match(a, /^gais_[A-Za-z0-9_-]{43}$/)
  t.not(a, generateIdentitySecret())
})

t.test('the previous secret verifies only during the grace period', async t => {
  const rotated = new Date('2026-01-01T00:00:00Z')
  const stored = { identity_secret: 'new', identity_secret_created_at: rotated.toISOString(), previous_identity_secret: 'old', count_client_revenue: false }
  t.equal(previousStillValid(stored, new Date(rotated.getTime() + 1000)), true)
  t.equal(previousStillValid(stored, new Date(rotated.getTime() + IDENTITY_SECRET_GRACE_MS)), false)
  t.equal(previousStillValid({ ...stored, previous_identity_secret: null }, rotated), false)
})
