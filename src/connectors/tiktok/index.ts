// The TikTok Events API 2.0 connector (auth by `Access-Token` header, not Bearer).
import { ensureBatch, requireCredential, testEventCode } from '../build-helpers.js'
import { platformUrl } from '../url.js'
import { CONVERSION_EVENT_TYPES, type BuildContext, type BuiltRequest, type Connector, type DispatchInput } from '../types.js'
import { mapTiktokEvent } from './map.js'
import { parseTiktokResponse } from './parse.js'
import {
  TIKTOK_CONFIG_KEYS, TIKTOK_CREDENTIAL_KEYS, TIKTOK_MAX_BATCH, TIKTOK_ORIGIN, TIKTOK_PATH, TIKTOK_TYPE, TIKTOK_WINDOW_MS
} from './schema.js'

export function buildTiktokBatchRequest (inputs: readonly DispatchInput[], ctx: BuildContext): BuiltRequest {
  ensureBatch(TIKTOK_TYPE, inputs, TIKTOK_MAX_BATCH)
  const accessToken = requireCredential(ctx, TIKTOK_TYPE, 'access_token')
  const pixelCode = requireCredential(ctx, TIKTOK_TYPE, 'pixel_code')
  const testCode = testEventCode(ctx, TIKTOK_TYPE)
  const body: Record<string, unknown> = { event_source: 'web', event_source_id: pixelCode }
  if (testCode !== null) body.test_event_code = testCode
  body.data = inputs.map((input) => mapTiktokEvent(input, ctx))
  return {
    method: 'POST',
    url: platformUrl(TIKTOK_ORIGIN, TIKTOK_PATH, ctx.apiBase),
    headers: { 'content-type': 'application/json', 'access-token': accessToken },
    body: JSON.stringify(body)
  }
}

export const tiktokConnector: Connector = {
  type: TIKTOK_TYPE,
  supportedEventTypes: CONVERSION_EVENT_TYPES,
  requiredSignals: [['ttclid']],
  credentialKeys: TIKTOK_CREDENTIAL_KEYS,
  configKeys: TIKTOK_CONFIG_KEYS,
  maxBatchSize: TIKTOK_MAX_BATCH,
  deliveryWindowMs: TIKTOK_WINDOW_MS,
  buildRequest: (input, ctx) => buildTiktokBatchRequest([input], ctx),
  buildBatchRequest: buildTiktokBatchRequest,
  parseResponse: parseTiktokResponse
}
