// Guards identity tokens (issue 14 item 3): hex HMAC-SHA256 of the external id, compared in
// constant time against the current and previous secret; anything else keeps the claims as hints.
import { createHmac } from 'node:crypto'
import t from 'tap'
import { checkIdentityClaims, identityToken, verifyIdentityToken, type CheckedClaims, type IdentityClaims } from './identity-token.js'

const SECRET = 'gais_current-secret'
const OLD = 'gais_previous-secret'
const good = createHmac('sha256', SECRET).update('user-42').digest('hex')

t.test('the token is what the README tells backends to compute', async t => {
  t.equal(identityToken(SECRET, 'user-42'), good)
  t.match(good, /^[0-9a-f]{64}$/)
})

t.test('verification table', async t => {
  const cases: Array<[string, unknown, string, string[], boolean]> = [
    ['valid', good, 'user-42', [SECRET], true],
    ['valid, upper-case hex', good.toUpperCase(), 'user-42', [SECRET], true],
    ['valid with the previous secret during a rotation', identityToken(OLD, 'user-42'), 'user-42', [SECRET, OLD], true],
    ['another user\'s token', identityToken(SECRET, 'user-43'), 'user-42', [SECRET], false],
    ['signed with another secret', identityToken('gais_other', 'user-42'), 'user-42', [SECRET], false],
    ['no secrets configured', good, 'user-42', [], false],
    ['truncated', good.slice(0, 63), 'user-42', [SECRET], false],
    ['too long', good + '0', 'user-42', [SECRET], false],
    ['not hex', 'z'.repeat(64), 'user-42', [SECRET], false],
    ['base64 of the digest', Buffer.from(good, 'hex').toString('base64'), 'user-42', [SECRET], false],
    ['the external id itself', 'user-42', 'user-42', [SECRET], false],
    ['empty', '', 'user-42', [SECRET], false],
    ['not a string', 42, 'user-42', [SECRET], false],
    ['null', null, 'user-42', [SECRET], false]
  ]
  for (const [name, token, id, secrets, want] of cases) t.equal(verifyIdentityToken(token, id, secrets), want, name)
})

t.test('claims table: verified claims reach identity, the rest become hints', async t => {
  const claims = (o: Partial<IdentityClaims>): IdentityClaims => ({ person_external_id: null, person_email: null, identity_token: null, ...o })
  const none: CheckedClaims['verified'] = { person_external_id: null, person_email: null }
  const cases: Array<[string, IdentityClaims, string[], string, CheckedClaims['verified'], Record<string, string>]> = [
    ['no claims', claims({}), [SECRET], 'none', none, {}],
    ['valid token: both claims verified', claims({ person_external_id: 'user-42', person_email: 'a@b.c', identity_token: good }), [SECRET],
      'verified', { person_external_id: 'user-42', person_email: 'a@b.c' }, {}],
    ['no token', claims({ person_external_id: 'user-42', person_email: 'a@b.c' }), [SECRET],
      'no_token', none, { unverified_person_external_id: 'user-42', unverified_person_email: 'a@b.c' }],
    ['invalid token', claims({ person_external_id: 'user-42', identity_token: identityToken(SECRET, 'someone') }), [SECRET],
      'invalid_token', none, { unverified_person_external_id: 'user-42' }],
    ['workspace has no secret', claims({ person_external_id: 'user-42', identity_token: good }), [],
      'no_secret', none, { unverified_person_external_id: 'user-42' }],
    ['an email alone cannot be verified', claims({ person_email: 'a@b.c', identity_token: identityToken(SECRET, 'a@b.c') }), [SECRET],
      'no_external_id', none, { unverified_person_email: 'a@b.c' }]
  ]
  for (const [name, input, secrets, verdict, verified, hints] of cases) {
    const got = checkIdentityClaims(input, secrets)
    t.same(got, { verdict, verified, hints }, name)
  }
})
