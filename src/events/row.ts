// The columns every stored event shares, written once: the recorder's rows and the link clicks'
// rows both extend it (and may narrow a column, e.g. a click always has a url).
import type { Device } from '../classify/index.js'

export interface StoredEventColumns extends Omit<Device, 'device_type'> {
  id: string
  workspace_id: string
  event_type: string
  link_id: string | null
  click_id: string | null
  url: string | null
  host: string | null
  path: string | null
  referrer: string | null
  source_platform: string | null
  source_medium: string | null
  source_campaign: string | null
  channel: string | null
  source: Record<string, unknown>
  ip_address: string | null
  user_agent: string | null
  device_type: string | null
  country: string | null
  geo: Record<string, unknown> | null
  occurred_at: Date
}
