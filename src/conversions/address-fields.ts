// The person's address on identify, leads and sales (issue 19): four flat fields beside the
// existing person_* fields. Identify stores them on the person (person_metadata.address); a lead
// or sale keeps them with the conversion (its properties, like first_name / last_name), and the
// connectors send them as match keys (src/connectors/address.ts).
import { Type } from 'typebox'
import { ADDRESS_INPUT_FIELDS } from '../connectors/address.js'

// C0/C1 control characters are refused (422) rather than silently stripped. Long values are
// accepted (up to the 1,000 characters a property may hold) and cut to the platforms' limits at
// dispatch, with a note in the attempt log.
const NO_CONTROL = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$'
const field = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 1000, pattern: NO_CONTROL, description }))

export const AddressFields = {
  person_city: field('City of the person\'s address (sent hashed to Meta, plain to Google/TikTok)'),
  person_region: field('State, province or region: a US state may be its name or 2-letter code'),
  person_postal_code: field('Postal code as written ("94025-1234", "SW1A 1AA")'),
  person_country: field('ISO 3166-1 alpha-2 code, alpha-3 code, or the country\'s name ("DE", "DEU", "Germany", "Deutschland")')
}

type AddressInput = Partial<Record<keyof typeof AddressFields, string>>

const JSON_KEY: Readonly<Record<string, string>> = { city: 'city', region: 'region', postalCode: 'postal_code', country: 'country' }

/** `{person_city: …}` → `{city: …}` as stored in person_metadata.address; null when none was given. */
export function addressJson (body: AddressInput): Record<string, string> | null {
  const out: Record<string, string> = {}
  for (const [name, fieldName] of Object.entries(ADDRESS_INPUT_FIELDS)) {
    const value = (body as Record<string, unknown>)[name]
    if (typeof value === 'string' && value.trim() !== '') out[JSON_KEY[fieldName]] = value.trim()
  }
  return Object.keys(out).length === 0 ? null : out
}

/** Identify: the address fields become person_metadata.address (which they replace as a whole). */
export function identifyWithAddress<T extends AddressInput & { person_metadata?: object }> (body: T): Omit<T, keyof AddressInput> {
  const rest: Record<string, unknown> = { ...body }
  for (const name of Object.keys(ADDRESS_INPUT_FIELDS)) delete rest[name]
  const address = addressJson(body)
  if (address !== null) rest.person_metadata = { ...(body.person_metadata ?? {}), address }
  return rest as Omit<T, keyof AddressInput>
}

/** Lead / sale: the address fields travel with the conversion as properties (person_city, …). */
export function conversionWithAddress<T extends AddressInput & { properties?: unknown }> (body: T): Omit<T, keyof AddressInput> {
  const rest: Record<string, unknown> = { ...body }
  const given: Record<string, string> = {}
  for (const name of Object.keys(ADDRESS_INPUT_FIELDS)) {
    const value = rest[name]
    delete rest[name]
    if (typeof value === 'string' && value.trim() !== '') given[name] = value.trim()
  }
  if (Object.keys(given).length === 0) return rest as Omit<T, keyof AddressInput>
  const properties = body.properties !== null && typeof body.properties === 'object' && !Array.isArray(body.properties) ? body.properties : {}
  return { ...rest, properties: { ...properties, ...given } } as Omit<T, keyof AddressInput>
}
