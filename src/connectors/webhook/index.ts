// The generic `webhook` connector: a Standard-Webhooks-signed POST of the conversion to a
// configured URL. SSRF checks belong to the sender at connect time (the worker), not here.
import { ensureBatch, option, requireCredential } from '../build-helpers.js'
import { classifyHttpStatus } from '../classify.js'
import { ConnectorBuildError, CONVERSION_EVENT_TYPES, type BuildContext, type BuiltRequest, type Connector, type DispatchInput, type DeliveryOutcome, type ResponseHeaders } from '../types.js'
import { mapWebhookPayload } from './map.js'
import { webhookHeaders } from './sign.js'

export const WEBHOOK_TYPE = 'webhook'

function targetUrl (ctx: BuildContext): string {
  const url = option(ctx, 'url')
  if (url === null) throw new ConnectorBuildError(WEBHOOK_TYPE, 'missing option "url"')
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConnectorBuildError(WEBHOOK_TYPE, `invalid url "${url}"`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConnectorBuildError(WEBHOOK_TYPE, 'url must be http(s)')
  if (parsed.username !== '' || parsed.password !== '') throw new ConnectorBuildError(WEBHOOK_TYPE, 'url must not carry credentials')
  return parsed.href
}

/**
 * One message per conversion. The webhook-id is derived from the connectorEventId, so it is the
 * same on every retry (the receiver's idempotency key); the timestamp is the attempt's.
 */
export function buildWebhookRequest (input: DispatchInput, ctx: BuildContext): BuiltRequest {
  const secret = requireCredential(ctx, WEBHOOK_TYPE, 'secret')
  const url = targetUrl(ctx)
  const body = JSON.stringify(mapWebhookPayload(input))
  const msgId = `msg_${input.connectorEventId}`
  return {
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/json',
      ...webhookHeaders([secret], msgId, Math.floor(ctx.nowMs / 1000), body)
    },
    body
  }
}

/** Any 2xx succeeds; redirects are not followed and count as failures (Standard Webhooks). */
export function parseWebhookResponse (status: number, headers: ResponseHeaders, _bodyText: string, nowMs = Date.now()): DeliveryOutcome {
  if (status >= 300 && status < 400) return { ok: false, kind: 'permanent', reason: `HTTP ${status}: redirects are not followed` }
  return classifyHttpStatus(status, headers, '', nowMs)
}

export const webhookConnector: Connector = {
  type: WEBHOOK_TYPE,
  supportedEventTypes: CONVERSION_EVENT_TYPES,
  requiredSignals: [],
  credentialKeys: ['secret'],
  configKeys: ['url'],
  maxBatchSize: 1,
  deliveryWindowMs: null,
  buildRequest: buildWebhookRequest,
  buildBatchRequest: (inputs, ctx) => {
    ensureBatch(WEBHOOK_TYPE, inputs, 1)
    return buildWebhookRequest(inputs[0], ctx)
  },
  parseResponse: parseWebhookResponse
}
