import { and, desc, eq, gt, isNotNull, isNull, lt } from 'drizzle-orm'
import {
  authSessions,
  connectTokenUses,
  kasms,
  servers,
  userAttributes,
  users,
  verifyEdgeToken,
  EDGE_TOKEN_TTL_S,
  generateUserSshKey,
  type ConnectionProxy,
  type Db,
  type Kasm,
  type ProxyConnectAnswer,
  type ServerStreamView,
} from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { randomToken } from '../auth/bytes'
import { edgeJwks, signForMember } from '../fleet/edge-key'
import { decryptSecret, encryptSecret } from '../secrets'
import { connectionInfoSettings, credentialSettings, dlpSettings, PROTOCOL_OF } from './connection-settings'
import { checkHealth, chooseProxy, type HealthCheck } from './proxy-choice'
import { NOTHING_MOVES } from './stream-token'
import { memberUrl } from '../fleet/endpoint'

/**
 * A running server session's stream (get_kasm_status): a proxy of the server's zone that answers its
 * health check, and a one-time connect token for it. Null when the server is gone or no proxy answers;
 * `problem` then says which.
 */
export async function serverStreamFor(
  deps: Deps,
  kasm: Kasm,
  health?: HealthCheck,
): Promise<{ stream: ServerStreamView } | { problem: string }> {
  const [server] = kasm.serverId ? await deps.db.select().from(servers).where(eq(servers.id, kasm.serverId)) : []
  if (!server) return { problem: 'The server of this session no longer exists' }
  const proxy = await chooseProxy(deps.db, server.zoneId, health ?? ((p) => checkHealth(p, deps.memberFetch)))
  if (!proxy) return { problem: 'No connection proxy of the server’s zone answered its health check; try again shortly' }
  if (kasm.connectionProxyId !== proxy.id) await deps.db.update(kasms).set({ connectionProxyId: proxy.id }).where(eq(kasms.id, kasm.id))
  const dlp = kasm.launchSpec?.dlp ?? NOTHING_MOVES
  const token = await signForMember(deps, proxy.id, 'connect', {
    sub: kasm.userId,
    kasm_id: kasm.id,
    dlp,
    view_only: false,
    jti: randomToken(32),
  })
  const url = memberUrl(proxy.publicUrl, '/guac/connect', { ws: true })
  const expires = new Date(deps.clock.now().getTime() + EDGE_TOKEN_TTL_S.connect * 1000).toISOString()
  return { stream: { kind: 'server', protocol: PROTOCOL_OF[server.connectionType], url: url.toString(), token, expires, dlp } }
}

const refused = (message: string) => new ApiError('forbidden', message)

/**
 * A proxy redeems a browser's connect token (seed 000: "an authentication request up to the Web App"):
 * the token must be the edge's, for this proxy, unexpired and never redeemed; the session must still
 * be running on a server. Answers the connection details, credentials included: they go to the proxy,
 * never to the browser.
 */
export async function redeemConnectToken(deps: Deps, proxy: ConnectionProxy, token: string): Promise<ProxyConnectAnswer> {
  const now = deps.clock.now()
  const claims = await verifyEdgeToken(token, 'connect', { jwks: await edgeJwks(deps.config.signingKey), audience: proxy.id, now })
  if (!claims) throw refused('The connect token is invalid, expired or not for this proxy')
  const [first] = await deps.db
    .insert(connectTokenUses)
    .values({ jti: claims.jti, expiresAt: new Date(now.getTime() + EDGE_TOKEN_TTL_S.connect * 1000) })
    .onConflictDoNothing()
    .returning({ jti: connectTokenUses.jti })
  if (!first) throw refused('The connect token was already used')
  const [row] = await deps.db
    .select({ kasm: kasms, server: servers, user: users })
    .from(kasms)
    .innerJoin(servers, eq(servers.id, kasms.serverId))
    .innerJoin(users, eq(users.id, kasms.userId))
    .where(eq(kasms.id, claims.kasm_id))
  if (!row || row.kasm.status === 'deleted') throw ApiError.notFound('Session', 'kasm_id')
  const { kasm, server, user } = row
  if (kasm.status !== 'running') throw ApiError.conflict(`The session is ${kasm.status}; resume it to connect`, 'kasm_id')
  if (user.locked || user.disabled) throw ApiError.forbidden('This account is locked or disabled')
  if (!server.enabled) throw ApiError.conflict(`The server "${server.name}" is disabled`, 'kasm_id')
  const protocol = PROTOCOL_OF[server.connectionType]
  const ring = deps.config.secretKeys
  const open = (blob: string | null) => (blob === null ? null : decryptSecret(ring, blob))
  const secrets = {
    password: await open(server.connectionPasswordEnc),
    privateKey: await open(server.privateKeyEnc),
    passphrase: await open(server.passphraseEnc),
  }
  const creds = await credentialSettings(server, secrets, {
    username: user.username,
    signInPassword: () => signInPassword(deps, user.id),
    userPrivateKey: () => userPrivateKey(deps, user.id, user.username),
  })
  if (protocol === 'kasmvnc') {
    return {
      kasm_id: kasm.id,
      user_id: user.id,
      protocol,
      settings: {},
      dlp: claims.dlp,
      view_only: claims.view_only,
      prompt: [],
      kasmvnc: {
        url: `wss://${server.host}:${server.port}/websockify`,
        username: creds.settings.username ?? '',
        password: creds.settings.password ?? '',
      },
    }
  }
  const settings = {
    ...connectionInfoSettings(server.connectionInfo),
    ...connectionInfoSettings(kasm.launchSpec?.connection_info ?? null),
    ...creds.settings,
    ...dlpSettings(protocol, claims.dlp, claims.view_only, kasm.id),
    hostname: server.host,
    port: String(server.port),
  }
  return { kasm_id: kasm.id, user_id: user.id, protocol, settings, dlp: claims.dlp, view_only: claims.view_only, prompt: creds.prompt }
}

/** The password of the user's newest live sign-in, for SSO_USERNAME servers; null when none holds one. */
async function signInPassword(deps: Deps, userId: string): Promise<string | null> {
  const [s] = await deps.db
    .select({ secret: authSessions.signInSecretEnc })
    .from(authSessions)
    .where(
      and(
        eq(authSessions.userId, userId),
        isNull(authSessions.revokedAt),
        gt(authSessions.expiresAt, deps.clock.now()),
        isNotNull(authSessions.signInSecretEnc),
      ),
    )
    .orderBy(desc(authSessions.createdAt))
    .limit(1)
  return s?.secret ? decryptSecret(deps.config.secretKeys, s.secret) : null
}

/**
 * The user's SSH private key (Kasm gives each user a key pair): made on first use, the public half
 * stored where user settings show it. Two first uses at once keep whichever was stored first.
 */
export async function userPrivateKey(deps: Deps, userId: string, username: string): Promise<string> {
  const read = async () => {
    const [a] = await deps.db
      .select({ enc: userAttributes.sshPrivateKeyEnc, pub: userAttributes.sshPublicKey })
      .from(userAttributes)
      .where(eq(userAttributes.userId, userId))
    return { key: a?.enc ? await decryptSecret(deps.config.secretKeys, a.enc) : null, ownPublic: !a?.enc && !!a?.pub }
  }
  const existing = await read()
  if (existing.key) return existing.key
  // A public key the user set themself has no private half here: replacing it would lock them out of servers that trust it.
  if (existing.ownPublic)
    throw ApiError.conflict(
      'This server uses your SSH key, and your settings hold a public key of your own whose private half Oriel does not have: clear it in your settings so Oriel makes you a key pair',
    )
  const pair = await generateUserSshKey(username)
  const enc = await encryptSecret(deps.config.secretKeys, pair.privatePem)
  await deps.db
    .insert(userAttributes)
    .values({ userId, sshPublicKey: pair.publicKey, sshPrivateKeyEnc: enc })
    .onConflictDoUpdate({
      target: userAttributes.userId,
      set: { sshPublicKey: pair.publicKey, sshPrivateKeyEnc: enc },
      setWhere: and(isNull(userAttributes.sshPrivateKeyEnc), isNull(userAttributes.sshPublicKey)),
    })
  const made = await read()
  if (!made.key) throw ApiError.conflict('Your SSH key pair could not be made; try again')
  return made.key
}

/** Redeemed connect tokens are kept only until they would have expired anyway. */
export async function pruneConnectTokens(db: Db, now: Date): Promise<void> {
  await db.delete(connectTokenUses).where(lt(connectTokenUses.expiresAt, now))
}
