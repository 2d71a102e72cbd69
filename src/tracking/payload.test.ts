import t from 'tap'
import { beaconObject, MAX_JSON_DEPTH } from './payload.js'

const deep = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n)

const OK: Array<[string, unknown, Record<string, unknown>]> = [
  ['text/plain JSON object', '{"event_type":"pageview"}', { event_type: 'pageview' }],
  ['padded text', '  {"a":1}\n', { a: 1 }],
  ['already-parsed object', { a: 1 }, { a: 1 }],
  [`nested ${MAX_JSON_DEPTH} deep`, deep(MAX_JSON_DEPTH), JSON.parse(deep(MAX_JSON_DEPTH))]
]
const BAD: Array<[string, unknown, RegExp]> = [
  ['empty string', '', /Empty/],
  ['whitespace', '  \n', /Empty/],
  ['undefined', undefined, /Empty/],
  ['not JSON', 'hello', /not valid JSON/],
  ['truncated JSON', '{"a":', /not valid JSON/],
  ['array text', '[{"a":1}]', /array/],
  ['parsed array', [{ a: 1 }], /array/],
  ['number', '42', /object/],
  ['string', '"x"', /object/],
  ['null', 'null', /object/],
  ['__proto__ key', '{"__proto__":{"x":1}}', /not valid JSON/],
  ['constructor.prototype', '{"constructor":{"prototype":{"x":1}}}', /not valid JSON/],
  [`nested ${MAX_JSON_DEPTH + 1} deep`, deep(MAX_JSON_DEPTH + 1), /deeper/]
]

for (const [name, input, want] of OK) t.same(beaconObject(input), want, name)
for (const [name, input, message] of BAD) {
  t.throws(() => beaconObject(input), { code: 'INVALID_BEACON', statusCode: 400, message }, name)
}
