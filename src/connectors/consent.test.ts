import t from 'tap'
import { consentFromProperties, consentStatus } from './consent.js'

const CASES: [unknown, string | null, string][] = [
  [null, null, 'unknown'],
  [{}, null, 'unknown'],
  [{ consent: 'granted' }, 'granted/granted', 'consented'],
  [{ consent: 'denied' }, 'denied/denied', 'denied'],
  [{ consent: true }, 'granted/granted', 'consented'],
  [{ consent: 'granted', consent_ad_user_data: 'denied' }, 'denied/granted', 'denied'],
  [{ consent_ad_personalization: 'denied' }, 'unknown/denied', 'unknown'],
  [{ consent: 'maybe' }, null, 'unknown']
]
t.test('consent from event properties', async (t) => {
  for (const [props, want, status] of CASES) {
    const c = consentFromProperties(props)
    t.equal(c === null ? null : `${c.adUserData}/${c.adPersonalization}`, want, JSON.stringify(props))
    t.equal(consentStatus(c), status)
  }
})
