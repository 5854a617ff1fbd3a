/**
 * The username a server sees for SSO credentials (Kasm's docs: Servers, "SSO Domain"): `localhost` strips the
 * domain (john.smith), a value ending in `\` is prepended (acme.local\john.smith), and anything else
 * replaces the domain after an `@` (john.smith@acme.local). No domain leaves the username as it is.
 */
export function ssoUsername(username: string, domain: string | null | undefined): string {
  if (!domain) return username
  const at = username.lastIndexOf('@')
  const local = at < 0 ? username : username.slice(0, at)
  if (domain.toLowerCase() === 'localhost') return local
  if (domain.endsWith('\\')) return `${domain}${local}`
  return `${local}@${domain}`
}
