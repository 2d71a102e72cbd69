// Signing secrets at rest: sealed with the connectors' AES-256-GCM envelope (key derived from
// GA_SECRET), bound to the webhook row by the AAD so a sealed secret cannot be moved to another row.
import { openString, sealString } from '../connectors/crypto.js'

const aad = (webhookId: string): string => `webhook:${webhookId}`

export function sealWebhookSecret (secret: string, webhookId: string, serviceSecret: string): string {
  return sealString(secret, serviceSecret, aad(webhookId))
}

export function openWebhookSecret (sealed: string, webhookId: string, serviceSecret: string): string {
  return openString(sealed, [serviceSecret], aad(webhookId))
}
