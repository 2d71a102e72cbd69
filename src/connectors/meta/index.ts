// The Meta Conversions API connector.
import { createHmac } from 'node:crypto'
import { ensureBatch, option, testEventCode, optionalCredential, requireCredential } from '../build-helpers.js'
import { platformUrl } from '../url.js'
import { CONVERSION_EVENT_TYPES, type BuildContext, type BuiltRequest, type Connector, type DispatchInput } from '../types.js'
import { mapMetaEvent } from './map.js'
import { parseMetaResponse } from './parse.js'
import {
  META_API_VERSION, META_CONFIG_KEYS, META_CREDENTIAL_KEYS, META_MAX_BATCH, META_OPTIONAL_CREDENTIAL_KEYS,
  META_ORIGIN, META_TYPE, META_WINDOW_MS, metaEventsPath
} from './schema.js'

export function buildMetaBatchRequest (inputs: readonly DispatchInput[], ctx: BuildContext): BuiltRequest {
  ensureBatch(META_TYPE, inputs, META_MAX_BATCH)
  const pixelId = requireCredential(ctx, META_TYPE, 'pixel_id')
  const accessToken = requireCredential(ctx, META_TYPE, 'access_token')
  const appSecret = optionalCredential(ctx, 'app_secret')
  const testCode = testEventCode(ctx, META_TYPE)
  const body: Record<string, unknown> = { data: inputs.map((input) => mapMetaEvent(input, ctx)) }
  if (testCode !== null) body.test_event_code = testCode
  if (appSecret !== null) body.appsecret_proof = createHmac('sha256', appSecret).update(accessToken).digest('hex')
  return {
    method: 'POST',
    url: platformUrl(META_ORIGIN, metaEventsPath(option(ctx, 'api_version') ?? META_API_VERSION, pixelId), ctx.apiBase),
    // The token travels in a header, never the query string, so it stays out of URL logs.
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(body)
  }
}

export const metaConnector: Connector = {
  type: META_TYPE,
  supportedEventTypes: CONVERSION_EVENT_TYPES,
  requiredSignals: [['_fbp', '_fbc', 'fbclid']],
  credentialKeys: META_CREDENTIAL_KEYS,
  optionalCredentialKeys: META_OPTIONAL_CREDENTIAL_KEYS,
  configKeys: META_CONFIG_KEYS,
  maxBatchSize: META_MAX_BATCH,
  deliveryWindowMs: META_WINDOW_MS,
  buildRequest: (input, ctx) => buildMetaBatchRequest([input], ctx),
  buildBatchRequest: buildMetaBatchRequest,
  parseResponse: parseMetaResponse
}
