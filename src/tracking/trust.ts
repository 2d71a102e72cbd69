// What a browser may send as a conversion (issue 14 item 2, DESIGN §4). Pure. Every beacon event
// is stored with trust "client"; a lead or sale additionally needs an Origin the workspace allows
// (the key's origins or GA_ALLOWED_ORIGINS — the collector's own origin does not count), and a sale
// a publishable key that allows client-side sales. Backends send conversions with a secret key.
import type { CorsVerdict } from './cors.js'

export type ClientConversionRefusal = 'sale_not_allowed' | 'origin_required'

export interface ConversionSite {
  allowClientSales: boolean
  allowedOrigins: readonly string[]
}

/** null when the beacon may be recorded; otherwise why it is refused (the route answers 403). */
export function refuseClientConversion (eventType: string, site: ConversionSite, origin: CorsVerdict): ClientConversionRefusal | null {
  if (eventType !== 'lead' && eventType !== 'sale') return null
  if (eventType === 'sale' && !site.allowClientSales) return 'sale_not_allowed'
  if (origin.kind !== 'allowed' || !site.allowedOrigins.includes(origin.origin)) return 'origin_required'
  return null
}
