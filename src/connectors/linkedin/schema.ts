// LinkedIn Conversions API constants (reference §1.3).

export const LINKEDIN_TYPE = 'linkedin'
export const LINKEDIN_ORIGIN = 'https://api.linkedin.com'
export const LINKEDIN_PATH = '/rest/conversionEvents'
/** YYYYMM; versions sunset after about a year (426 then). `options.api_version` overrides it. */
export const LINKEDIN_API_VERSION = '202604'
export const LINKEDIN_CREDENTIAL_KEYS = ['access_token', 'conversion_rule_id'] as const
export const LINKEDIN_CONFIG_KEYS = ['api_version'] as const
export const LINKEDIN_MAX_BATCH = 5000
export const LINKEDIN_WINDOW_MS = 90 * 24 * 60 * 60 * 1000
/** LinkedIn throttles with 429 usually without Retry-After; the reference says start at ≥ 60 s. */
export const LINKEDIN_DEFAULT_RETRY_MS = 60_000

export function conversionRuleUrn (ruleId: string): string {
  return ruleId.startsWith('urn:') ? ruleId : `urn:lla:llaPartnerConversion:${ruleId}`
}
