// Consent for ad use, read from the conversion event. Event properties are flat scalars, so:
//   properties.consent                     "granted" | "denied"  (both purposes)
//   properties.consent_ad_user_data        "granted" | "denied"  (overrides for sending user data)
//   properties.consent_ad_personalization  "granted" | "denied"
// A missing value is "unknown". Reference §7.3: the default consent status is "consented", so
// unknown does not block; "denied" ad-user-data consent skips the dispatch unless a dispatch
// policy is configured, which then decides with the status in hand.
import type { Consent, ConsentState } from './types.js'

function state (value: unknown): ConsentState | null {
  if (value === true || value === 'granted' || value === 'true') return 'granted'
  if (value === false || value === 'denied' || value === 'false') return 'denied'
  return null
}

export function consentFromProperties (properties: unknown): Consent | null {
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) return null
  const p = properties as Record<string, unknown>
  const both = state(p.consent)
  const adUserData = state(p.consent_ad_user_data) ?? both
  const adPersonalization = state(p.consent_ad_personalization) ?? both
  if (adUserData === null && adPersonalization === null) return null
  return { adUserData: adUserData ?? 'unknown', adPersonalization: adPersonalization ?? 'unknown' }
}

export const CONSENT_STATUSES = ['consented', 'denied', 'unknown'] as const
export type ConsentStatus = (typeof CONSENT_STATUSES)[number]

/** The single status a policy sees and the no-consent rule tests: sending user data is what matters. */
export function consentStatus (consent: Consent | null): ConsentStatus {
  if (consent === null || consent.adUserData === 'unknown') return 'unknown'
  return consent.adUserData === 'granted' ? 'consented' : 'denied'
}
