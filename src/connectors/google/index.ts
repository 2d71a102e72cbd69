// The Google connector: Data Manager API ingest by default, classic Google Ads
// UploadClickConversions with `options.api = "google_ads"`.
import { ensureBatch, option, optionalCredential, requireCredential } from '../build-helpers.js'
import { platformUrl } from '../url.js'
import { ConnectorBuildError, CONVERSION_EVENT_TYPES, type BuildContext, type BuiltRequest, type Connector, type DispatchInput } from '../types.js'
import { mapDataManagerEvent, mapGoogleAdsConversion } from './map.js'
import { parseGoogleResponse } from './parse.js'
import {
  DATA_MANAGER_INGEST_PATH, DATA_MANAGER_ORIGIN, GOOGLE_ADS_API_VERSION, GOOGLE_ADS_ORIGIN, GOOGLE_APIS, GOOGLE_CONFIG_KEYS,
  GOOGLE_CREDENTIAL_KEYS, GOOGLE_MAX_BATCH, GOOGLE_OPTIONAL_CREDENTIAL_KEYS, GOOGLE_TYPE, GOOGLE_WINDOW_MS,
  digitsOnlyCustomerId, googleAdsUploadPath, type GoogleApi
} from './schema.js'

export function selectedGoogleApi (ctx: BuildContext): GoogleApi {
  const api = option(ctx, 'api') ?? 'data_manager'
  if (!(GOOGLE_APIS as readonly string[]).includes(api)) {
    throw new ConnectorBuildError(GOOGLE_TYPE, `unknown api "${api}" (expected ${GOOGLE_APIS.join(' or ')})`)
  }
  return api as GoogleApi
}

function customerIdCredential (ctx: BuildContext, name: string): string {
  const id = digitsOnlyCustomerId(requireCredential(ctx, GOOGLE_TYPE, name))
  if (!/^\d+$/.test(id)) throw new ConnectorBuildError(GOOGLE_TYPE, `credential "${name}" must be a customer id (digits)`)
  return id
}

function loginCustomerId (ctx: BuildContext): string | null {
  return optionalCredential(ctx, 'login_customer_id') === null ? null : customerIdCredential(ctx, 'login_customer_id')
}

function buildDataManagerRequest (inputs: readonly DispatchInput[], ctx: BuildContext): BuiltRequest {
  const accessToken = requireCredential(ctx, GOOGLE_TYPE, 'access_token')
  const customerId = customerIdCredential(ctx, 'customer_id')
  const conversionActionId = requireCredential(ctx, GOOGLE_TYPE, 'conversion_action_id')
  const login = loginCustomerId(ctx)
  const destination: Record<string, unknown> = {
    operatingAccount: { accountType: 'GOOGLE_ADS', accountId: customerId },
    ...(login === null ? {} : { loginAccount: { accountType: 'GOOGLE_ADS', accountId: login } }),
    productDestinationId: conversionActionId
  }
  const body = {
    destinations: [destination],
    events: inputs.map((input) => mapDataManagerEvent(input, ctx)),
    encoding: 'HEX',
    validateOnly: ctx.config.testMode === true
  }
  return {
    method: 'POST',
    url: platformUrl(DATA_MANAGER_ORIGIN, DATA_MANAGER_INGEST_PATH, ctx.apiBase),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(body)
  }
}

function buildGoogleAdsRequest (inputs: readonly DispatchInput[], ctx: BuildContext): BuiltRequest {
  const accessToken = requireCredential(ctx, GOOGLE_TYPE, 'access_token')
  const developerToken = requireCredential(ctx, GOOGLE_TYPE, 'developer_token')
  const customerId = customerIdCredential(ctx, 'customer_id')
  const conversionActionId = requireCredential(ctx, GOOGLE_TYPE, 'conversion_action_id')
  const login = loginCustomerId(ctx)
  const conversionAction = `customers/${customerId}/conversionActions/${conversionActionId}`
  const body = {
    conversions: inputs.map((input) => mapGoogleAdsConversion(input, ctx, conversionAction)),
    partialFailure: true, // required by this method
    validateOnly: ctx.config.testMode === true
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${accessToken}`,
    'developer-token': developerToken
  }
  if (login !== null) headers['login-customer-id'] = login
  const version = option(ctx, 'api_version') ?? GOOGLE_ADS_API_VERSION
  return {
    method: 'POST',
    url: platformUrl(GOOGLE_ADS_ORIGIN, googleAdsUploadPath(version, customerId), ctx.apiBase),
    headers,
    body: JSON.stringify(body)
  }
}

export function buildGoogleBatchRequest (inputs: readonly DispatchInput[], ctx: BuildContext): BuiltRequest {
  ensureBatch(GOOGLE_TYPE, inputs, GOOGLE_MAX_BATCH)
  return selectedGoogleApi(ctx) === 'google_ads' ? buildGoogleAdsRequest(inputs, ctx) : buildDataManagerRequest(inputs, ctx)
}

export const googleConnector: Connector = {
  type: GOOGLE_TYPE,
  supportedEventTypes: CONVERSION_EVENT_TYPES,
  requiredSignals: [['gclid', 'gbraid', 'wbraid']],
  credentialKeys: GOOGLE_CREDENTIAL_KEYS,
  optionalCredentialKeys: GOOGLE_OPTIONAL_CREDENTIAL_KEYS,
  configKeys: GOOGLE_CONFIG_KEYS,
  maxBatchSize: GOOGLE_MAX_BATCH,
  deliveryWindowMs: GOOGLE_WINDOW_MS,
  buildRequest: (input, ctx) => buildGoogleBatchRequest([input], ctx),
  buildBatchRequest: buildGoogleBatchRequest,
  parseResponse: parseGoogleResponse
}
