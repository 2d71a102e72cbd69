// What each fake platform answers, per scripted scenario, in that platform's own error format.

export type FakePlatformKind = 'meta' | 'google' | 'google_ads' | 'linkedin' | 'tiktok' | 'webhook'

export type FakeScript =
  | { kind: 'success' }
  | { kind: 'bad_request', message?: string }
  | { kind: 'unauthorized' }
  | { kind: 'rate_limited', retryAfterSeconds?: number }
  | { kind: 'server_error' }
  | { kind: 'timeout' }
  | { kind: 'tiktok_error_code', code: number, message?: string }
  | { kind: 'linkedin_element_failure', failIndexes?: number[] }
  | { kind: 'raw', status: number, headers?: Record<string, string>, body: string }

export interface FakeAnswer { status: number, headers: Record<string, string>, body: string }

const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeAnswer =>
  ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

function success (kind: FakePlatformKind, count: number): FakeAnswer {
  switch (kind) {
    case 'meta': return json(200, { events_received: count, messages: [], fbtrace_id: 'AFakeTraceId' })
    case 'google': return json(200, { requestId: 'fake-request-id' })
    case 'google_ads': return json(200, { results: Array.from({ length: count }, () => ({ conversionAction: 'x' })) })
    case 'linkedin': return json(200, { elements: Array.from({ length: count }, () => ({ status: 201 })) })
    case 'tiktok': return json(200, { code: 0, message: 'OK', request_id: 'fake-tiktok-request', data: {} })
    case 'webhook': return { status: 204, headers: {}, body: '' }
  }
}

function badRequest (kind: FakePlatformKind, message: string): FakeAnswer {
  switch (kind) {
    case 'meta': return json(400, { error: { message, type: 'OAuthException', code: 100, error_subcode: 2804019, fbtrace_id: 'AFakeTraceId' } })
    case 'google':
    case 'google_ads': return json(400, { error: { code: 400, status: 'INVALID_ARGUMENT', message } })
    case 'linkedin': return json(400, { status: 400, message })
    case 'tiktok': return json(200, { code: 40001, message, request_id: 'fake-tiktok-request', data: {} })
    case 'webhook': return json(400, { error: message })
  }
}

function unauthorized (kind: FakePlatformKind): FakeAnswer {
  switch (kind) {
    case 'meta': return json(401, { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: 'AFakeTraceId' } })
    case 'google':
    case 'google_ads': return json(401, { error: { code: 401, status: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' } })
    case 'linkedin': return json(401, { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' })
    case 'tiktok': return json(200, { code: 40105, message: 'Access token is incorrect or has been revoked.', request_id: 'fake-tiktok-request', data: {} })
    case 'webhook': return json(401, { error: 'bad signature' })
  }
}

/** The scripted answer, or 'hang' to never answer (a timeout from the client's side). */
export function answerFor (kind: FakePlatformKind, script: FakeScript, eventCount: number): FakeAnswer | 'hang' {
  switch (script.kind) {
    case 'success': return success(kind, eventCount)
    case 'bad_request': return badRequest(kind, script.message ?? 'Invalid parameter')
    case 'unauthorized': return unauthorized(kind)
    case 'rate_limited': {
      const body = kind === 'meta' ? { error: { message: 'Application request limit reached', code: 4, type: 'OAuthException' } } : { message: 'Too Many Requests' }
      return json(429, body, { 'retry-after': String(script.retryAfterSeconds ?? 30) })
    }
    case 'server_error': return json(500, kind === 'meta' ? { error: { message: 'An unknown error occurred', code: 1, is_transient: true } } : { message: 'Internal Server Error' })
    case 'timeout': return 'hang'
    case 'tiktok_error_code': return json(200, { code: script.code ?? 40001, message: script.message ?? 'error', request_id: 'fake-tiktok-request', data: {} })
    case 'linkedin_element_failure': {
      const failing = new Set(script.failIndexes ?? [0])
      return json(200, {
        elements: Array.from({ length: eventCount }, (_, i) => failing.has(i)
          ? { status: 400, error: { message: `Index: ${i}, ERROR :: /conversionHappenedAt :: is too old` } }
          : { status: 201 })
      })
    }
    case 'raw': return { status: script.status, headers: script.headers ?? {}, body: script.body }
  }
}

export function rejectionFor (kind: FakePlatformKind, problems: string[]): FakeAnswer {
  return problems.some((p) => p.startsWith('auth:')) ? unauthorized(kind) : badRequest(kind, `fake ${kind} rejected the request: ${problems.join('; ')}`)
}
