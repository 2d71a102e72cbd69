// The LinkedIn Conversions API connector. Always BATCH_CREATE (also for one element) so there is
// one response shape to read: 200 with a status per element.
import { ensureBatch, option, requireCredential } from '../build-helpers.js'
import { platformUrl } from '../url.js'
import { ConnectorBuildError, CONVERSION_EVENT_TYPES, type BuildContext, type BuiltRequest, type Connector, type DispatchInput } from '../types.js'
import { mapLinkedinElement } from './map.js'
import { parseLinkedinResponse } from './parse.js'
import {
  LINKEDIN_API_VERSION, LINKEDIN_CONFIG_KEYS, LINKEDIN_CREDENTIAL_KEYS, LINKEDIN_MAX_BATCH, LINKEDIN_ORIGIN, LINKEDIN_PATH,
  LINKEDIN_TYPE, LINKEDIN_WINDOW_MS, conversionRuleUrn
} from './schema.js'

export function buildLinkedinBatchRequest (inputs: readonly DispatchInput[], ctx: BuildContext): BuiltRequest {
  ensureBatch(LINKEDIN_TYPE, inputs, LINKEDIN_MAX_BATCH)
  // LinkedIn has no test-event facility: anything we send is counted, so test mode refuses to send.
  if (ctx.config.testMode === true) throw new ConnectorBuildError(LINKEDIN_TYPE, 'LinkedIn has no test mode; disable testMode to send')
  const accessToken = requireCredential(ctx, LINKEDIN_TYPE, 'access_token')
  const urn = conversionRuleUrn(requireCredential(ctx, LINKEDIN_TYPE, 'conversion_rule_id'))
  return {
    method: 'POST',
    url: platformUrl(LINKEDIN_ORIGIN, LINKEDIN_PATH, ctx.apiBase),
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${accessToken}`,
      'linkedin-version': option(ctx, 'api_version') ?? LINKEDIN_API_VERSION,
      'x-restli-protocol-version': '2.0.0',
      'x-restli-method': 'BATCH_CREATE'
    },
    body: JSON.stringify({ elements: inputs.map((input) => mapLinkedinElement(input, urn)) })
  }
}

export const linkedinConnector: Connector = {
  type: LINKEDIN_TYPE,
  supportedEventTypes: CONVERSION_EVENT_TYPES,
  requiredSignals: [['li_fat_id']],
  credentialKeys: LINKEDIN_CREDENTIAL_KEYS,
  configKeys: LINKEDIN_CONFIG_KEYS,
  maxBatchSize: LINKEDIN_MAX_BATCH,
  deliveryWindowMs: LINKEDIN_WINDOW_MS,
  buildRequest: (input, ctx) => buildLinkedinBatchRequest([input], ctx),
  buildBatchRequest: buildLinkedinBatchRequest,
  parseResponse: parseLinkedinResponse
}
