import { and, eq, inArray, notInArray, sql } from 'drizzle-orm'
import {
  agents,
  groupImages,
  kasms,
  userAttributes,
  userGroups,
  users,
  zones,
  type DbOrTx,
  type Image,
  type RequestKasmInput,
} from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { randomToken, sha256Hex } from '../auth/bytes'
import { wakeMember } from '../fleet/wake'
import { resolveUserSettings } from '../groups/settings'
import { findImage } from '../images/images'
import { kasmId } from '../ids'
import { dashedId } from '#schema'
import { createAnonymousUser } from '../users/anonymous'
import { findUser } from '../users/lookup'
import { subjectUserId } from './access'
import { deepLink } from './deep-link'
import { checkLaunchOptions, launchSpec, profilePathFor, resolveLaunchOptions } from './launch-spec'
import { choosePlacement, type AgentLoad } from './placement'
import { checkCredentialType, chooseServer, requireProxyInZone, requireSignInSecret, serverCandidates } from './server-placement'
import { ENDED, LIVE } from './states'

/** Kasm launches the user's default workspace when a request names none, with Kasm's own error when unset. */
async function defaultImageOf(tx: DbOrTx, userId: string): Promise<string> {
  const [a] = await tx.select({ id: userAttributes.defaultImageId }).from(userAttributes).where(eq(userAttributes.userId, userId)).limit(1)
  if (!a?.id) throw ApiError.invalid('No Default Image Found', 'image_id')
  return a.id
}

async function candidateAgents(tx: DbOrTx): Promise<AgentLoad[]> {
  // Row locks on every candidate, in id order: concurrent launches queue here, so two of them can
  // never both take the last free cores of an agent (and the fixed order cannot deadlock).
  const rows = await tx
    .select({ agent: agents, zoneName: zones.name })
    .from(agents)
    .innerJoin(zones, eq(zones.id, agents.zoneId))
    .where(and(eq(agents.enabled, true), eq(agents.draining, false), eq(agents.status, 'online')))
    .orderBy(agents.id)
    .for('update', { of: agents })
  if (rows.length === 0) return []
  const reserved = await tx
    .select({
      agentId: kasms.agentId,
      cores: sql<number>`coalesce(sum(${kasms.cores}), 0)::float8`,
      memory: sql<number>`coalesce(sum(${kasms.memoryBytes}), 0)::float8`,
      gpus: sql<number>`coalesce(sum(${kasms.gpus}), 0)::int`,
    })
    .from(kasms)
    .where(
      and(
        inArray(
          kasms.agentId,
          rows.map((r) => r.agent.id),
        ),
        notInArray(kasms.status, [...ENDED]),
      ),
    )
    .groupBy(kasms.agentId)
  const held = new Map(reserved.map((r) => [r.agentId, r]))
  return rows.map(({ agent: a, zoneName }) => ({
    id: a.id,
    zoneId: a.zoneId,
    zoneName,
    labels: a.labels,
    cores: a.coresOverride ?? a.cores,
    memoryBytes: a.memoryOverrideBytes ?? a.memoryBytes,
    gpus: a.gpusOverride ?? a.gpus,
    reservedCores: Number(held.get(a.id)?.cores ?? 0),
    reservedMemoryBytes: Number(held.get(a.id)?.memory ?? 0),
    reservedGpus: Number(held.get(a.id)?.gpus ?? 0),
  }))
}

/** Where a container session goes: the least loaded agent that fits, its resources reserved. */
async function placeOnAgent(tx: DbOrTx, image: Image, input: RequestKasmInput) {
  if (input.server_id !== undefined) throw ApiError.invalid('Invalid server_id: applies to Server Pool workspaces only', 'server_id')
  if (input.connection_info !== undefined)
    throw ApiError.invalid('Invalid connection_info: applies to fixed servers (Server and Server Pool workspaces) only', 'connection_info')
  const placement = choosePlacement(await candidateAgents(tx), {
    cores: image.cores,
    memoryBytes: image.memory,
    gpus: image.gpuCount,
    zoneId: image.restrictToZone ? image.zoneId : null,
    includeLabels: image.includeLabels,
    excludeLabels: image.excludeLabels,
  })
  if (!placement.ok) throw new ApiError('unavailable', placement.reason)
  return {
    zoneId: placement.agent.zoneId,
    agentId: placement.agent.id,
    serverId: null,
    status: 'requested' as const,
    operationalMessage: 'Waiting for the agent to start the session',
    cores: image.cores,
    memoryBytes: image.memory,
    gpus: image.gpuCount,
  }
}

/**
 * Where a Server or Server Pool session goes (seed 004): a server with room under its two limits,
 * in a zone with a connection proxy. Nothing to start: the session runs once a browser connects.
 */
async function placeOnServer(tx: DbOrTx, image: Image, userId: string, now: Date, input: RequestKasmInput) {
  const { loads, rows } = await serverCandidates(tx, image)
  // Kasm's server_id picks one server of the pool (a Server workspace has only its own).
  const wanted = input.server_id === undefined ? loads : loads.filter((l) => l.id === dashedId(input.server_id!))
  if (wanted.length === 0)
    throw ApiError.invalid(
      image.imageType === 'Server Pool'
        ? 'Invalid server_id: the server is not in this workspace’s pool'
        : 'Invalid server_id: this workspace connects to another server',
      'server_id',
    )
  const choice = chooseServer(wanted, userId, image.imageType === 'Server Pool')
  if (!choice.ok) throw choice.status === 'forbidden' ? ApiError.forbidden(choice.reason) : ApiError.conflict(choice.reason, 'image_id')
  const server = rows.find((r) => r.id === choice.server.id)!
  checkCredentialType(server)
  await requireSignInSecret(tx, server, userId, now)
  await requireProxyInZone(tx, server.zoneId)
  return {
    zoneId: server.zoneId,
    agentId: null,
    serverId: server.id,
    status: 'running' as const,
    operationalProgress: 100,
    operationalMessage: null,
    startedAt: now,
  }
}

/**
 * `request_kasm`: checks the workspace and the user's limits, places the session on an agent and
 * reserves its resources, all in one transaction; then wakes the agent. Answers with Kasm's fields.
 */
export async function requestKasm(deps: Deps, caller: Caller, input: RequestKasmInput) {
  checkLaunchOptions(input)
  if (input.rdp_client_type === 'RDP_CLIENT')
    throw ApiError.invalid('Invalid rdp_client_type: Oriel connects RDP servers in the browser (GUAC) only', 'rdp_client_type')
  // Kasm: an API key's request without a user_id launches for a new anonymous user.
  const anonymous = caller.kind === 'api_key' && input.user_id === undefined
  if (anonymous) {
    authorize(caller, 'user')
    authorize(caller, 'users_auth_session')
  }
  const subjectId = anonymous ? null : subjectUserId(caller, input.user_id)
  const now = deps.clock.now()
  const sessionToken = randomToken(32)
  const { kasm, agent, user } = await deps.db.transaction(async (tx) => {
    const user = subjectId === null ? await createAnonymousUser(tx) : await findUser(tx, subjectId, 'user_id')
    if (user.locked || user.disabled) throw ApiError.forbidden('This account is locked or disabled')
    const imageId = input.image_id ?? (await defaultImageOf(tx, user.id))
    const image = await findImage(tx, imageId).catch(() => {
      throw ApiError.notFound('Workspace', 'image_id')
    })
    if (!image.enabled) throw ApiError.conflict('This workspace is disabled', 'image_id')
    if (image.imageType === 'Link')
      throw ApiError.invalid('Invalid image_id: Link workspaces open a URL, they are not launched', 'image_id')
    const [permitted] = await tx
      .select({ one: sql`1` })
      .from(groupImages)
      .innerJoin(userGroups, eq(userGroups.groupId, groupImages.groupId))
      .where(and(eq(groupImages.imageId, image.id), eq(userGroups.userId, user.id)))
      .limit(1)
    if (!permitted) throw ApiError.forbidden('Unauthorized: none of your groups may launch this workspace')
    const settings = await resolveUserSettings(tx, user.id)
    // Locks the user row so two launches by one user count each other.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, user.id)).for('update')
    // Sessions being deleted do not count against max_kasms_per_user, though they still hold resources.
    const live = await tx
      .select({ id: kasms.id })
      .from(kasms)
      .where(and(eq(kasms.userId, user.id), inArray(kasms.status, [...LIVE])))
    if (settings.max_kasms_per_user > 0 && live.length >= settings.max_kasms_per_user) {
      throw ApiError.conflict(
        `You already have ${live.length} session(s); your groups allow ${settings.max_kasms_per_user}. End one to start another.`,
        'image_id',
      )
    }
    const where =
      image.imageType === 'Container' ? await placeOnAgent(tx, image, input) : await placeOnServer(tx, image, user.id, now, input)
    const options = await resolveLaunchOptions(tx, user.id, input, profilePathFor(image, settings) !== null)
    const [kasm] = await tx
      .insert(kasms)
      .values({
        userId: user.id,
        imageId: image.id,
        ...where,
        sessionTokenHash: sha256Hex(sessionToken),
        // Sharing is the agent gateway's; a server session has none.
        shareId:
          image.imageType === 'Container' && input.enable_sharing && settings.allow_kasm_sharing ? randomToken(24).toLowerCase() : null,
        launchSpec: {
          ...launchSpec(user, image, settings, options),
          ...(input.connection_info && { connection_info: input.connection_info }),
        },
        keepaliveAt: now,
        expiresAt: new Date(now.getTime() + settings.keepalive_expiration * 1000),
      })
      .returning()
    const placedOn = where.agentId ? { agent_id: where.agentId } : { server_id: kasmId(where.serverId!) }
    await audit(tx, caller, 'request_kasm', { type: 'kasm', id: kasm!.id }, { image_id: kasmId(image.id), ...placedOn })
    const [agent] = where.agentId ? await tx.select().from(agents).where(eq(agents.id, where.agentId)) : []
    return { kasm: kasm!, agent, user }
  })
  if (agent) wakeMember(deps, agent)
  const id = kasmId(kasm.id)
  const userId = kasmId(user.id)
  return {
    kasm_id: id,
    // Kasm's word for a launch under way; get_kasm_status gives the exact state.
    status: 'starting',
    share_id: kasm.shareId,
    user_id: userId,
    username: user.username,
    session_token: sessionToken,
    kasm_url: deepLink(kasm.id, user.id, sessionToken),
  }
}
