// Domain errors; rendered by the root error handler as {"error", "code"}.
import createError from '@fastify/error'

export const DomainNotFound = createError('DOMAIN_NOT_FOUND', 'Domain not found', 404)
export const DomainTaken = createError('DOMAIN_TAKEN', "Domain '%s' already belongs to a workspace", 409)
export const DomainOfAnotherWorkspace = createError('DOMAIN_OWNED_BY_ANOTHER_WORKSPACE', "Domain '%s' belongs to another workspace: links on it can only be created by that workspace", 409)
export const DomainNotVerified = createError('DOMAIN_NOT_VERIFIED', "Domain '%s' is not verified yet (GA_DOMAIN_VERIFICATION=required): publish its TXT record and POST /ga/api/domains/:id/verify", 409)
export const DomainInUse = createError('DOMAIN_IN_USE', "Domain '%s' still has live links: archive or move them first", 409)
export const DomainVerificationFailed = createError('DOMAIN_VERIFICATION_FAILED', '%s', 422)

export const DOMAIN_HOST_CONSTRAINT = 'domains_host_idx'
