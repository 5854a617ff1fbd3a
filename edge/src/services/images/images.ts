import { eq, inArray } from 'drizzle-orm'
import {
  images,
  serverPools,
  servers,
  zones,
  type CreateImageInput,
  type DbOrTx,
  type Image,
  type NewImage,
  type UpdateImageInput,
} from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { encryptSecret } from '../secrets'
import { authorize, can, type Caller } from '../auth/caller'
import { liveKasmIdsForImage } from './sessions'
import { RawJson } from '../../raw-json'
import { adminImageView, allImagesJson, launchableImageJson, launchableImagesJson } from './records'

/** Holders of images_view see every workspace; users see the enabled ones their groups permit. */
export async function listImages(deps: Deps, caller: Caller) {
  if (can(caller, 'images_view')) return { images: await allImagesJson(deps.db) }
  authorize(caller, 'user')
  if (caller.userId === null) throw ApiError.forbidden()
  return { images: await launchableImagesJson(deps.db, caller.userId) }
}

/**
 * One workspace: any, in the admin view, for images_view; otherwise one the caller may launch, in the
 * launcher view. Others are "does not exist" to a user, as get_images does not list them either.
 */
export async function getImage(deps: Deps, caller: Caller, imageId: string) {
  if (can(caller, 'images_view')) {
    const view = await adminImageView(deps.db, imageId)
    if (!view) throw ApiError.notFound('Workspace', 'target_image.image_id')
    return new RawJson(JSON.stringify(view))
  }
  authorize(caller, 'user')
  if (caller.userId === null) throw ApiError.forbidden()
  const view = await launchableImageJson(deps.db, caller.userId, imageId)
  if (!view) throw ApiError.notFound('Workspace', 'target_image.image_id')
  return view
}

/** The saved workspace as the API shows it, read back in the writer's transaction. */
async function savedView(db: DbOrTx, id: string) {
  const view = await adminImageView(db, id)
  if (!view) throw ApiError.notFound('Workspace', 'target_image.image_id')
  return view
}

const columnsOf = (t: Omit<UpdateImageInput, 'image_id'>): Partial<NewImage> => ({
  ...(t.image_type !== undefined && { imageType: t.image_type }),
  ...(t.name !== undefined && { name: t.name }),
  ...(t.friendly_name !== undefined && { friendlyName: t.friendly_name }),
  ...(t.description !== undefined && { description: t.description }),
  ...(t.image_src !== undefined && { imageSrc: t.image_src }),
  ...(t.categories !== undefined && { categories: t.categories }),
  ...(t.cores !== undefined && { cores: t.cores }),
  ...(t.memory !== undefined && { memory: t.memory }),
  ...(t.gpu_count !== undefined && { gpuCount: t.gpu_count }),
  ...(t.run_config !== undefined && { runConfig: t.run_config }),
  ...(t.exec_config !== undefined && { execConfig: t.exec_config }),
  ...(t.persistent_profile_path !== undefined && { persistentProfilePath: t.persistent_profile_path }),
  ...(t.volume_mappings !== undefined && { volumeMappings: t.volume_mappings }),
  ...(t.restrict_to_zone !== undefined && { restrictToZone: t.restrict_to_zone }),
  ...(t.zone_id !== undefined && { zoneId: t.zone_id }),
  ...(t.server_id !== undefined && { serverId: t.server_id }),
  ...(t.server_pool_id !== undefined && { serverPoolId: t.server_pool_id }),
  ...(t.include_labels !== undefined && { includeLabels: t.include_labels }),
  ...(t.exclude_labels !== undefined && { excludeLabels: t.exclude_labels }),
  ...(t.link_url !== undefined && { linkUrl: t.link_url }),
  ...(t.docker_registry !== undefined && { dockerRegistry: t.docker_registry }),
  ...(t.docker_user !== undefined && { dockerUser: t.docker_user }),
  ...(t.enabled !== undefined && { enabled: t.enabled }),
  ...(t.hidden !== undefined && { hidden: t.hidden }),
})

/** The registry password, encrypted before it is stored; null removes it, undefined leaves it. */
async function passwordColumn(deps: Deps, password: string | null | undefined): Promise<Partial<NewImage>> {
  if (password === undefined) return {}
  return { dockerPasswordEnc: password === null ? null : await encryptSecret(deps.config.secretKeys, password) }
}

/** Rules across fields, checked on the workspace as it would be saved. */
async function checkImage(
  db: DbOrTx,
  i: Pick<Image, 'imageType' | 'name' | 'linkUrl' | 'serverId' | 'serverPoolId' | 'restrictToZone' | 'zoneId'>,
) {
  const need = (ok: unknown, field: string, why: string) => {
    if (!ok) throw ApiError.invalid(`Invalid target_image.${field}: ${why}`, `target_image.${field}`)
  }
  need(i.imageType !== 'Container' || i.name, 'name', 'a Container workspace needs a Docker image')
  need(i.imageType !== 'Link' || i.linkUrl, 'link_url', 'a Link workspace needs a URL')
  need(i.imageType !== 'Server' || i.serverId, 'server_id', 'a Server workspace needs a server')
  need(i.imageType !== 'Server Pool' || i.serverPoolId, 'server_pool_id', 'a Server Pool workspace needs a pool')
  need(!i.restrictToZone || i.zoneId, 'zone_id', 'restrict_to_zone needs a zone')
  if (i.zoneId) {
    const [z] = await db.select({ id: zones.id }).from(zones).where(eq(zones.id, i.zoneId)).limit(1)
    if (!z) throw ApiError.notFound('Zone', 'target_image.zone_id')
  }
  if (i.serverId) {
    const [s] = await db.select({ id: servers.id }).from(servers).where(eq(servers.id, i.serverId)).limit(1)
    if (!s) throw ApiError.notFound('Server', 'target_image.server_id')
  }
  if (i.serverPoolId) {
    const [p] = await db.select({ id: serverPools.id }).from(serverPools).where(eq(serverPools.id, i.serverPoolId)).limit(1)
    if (!p) throw ApiError.notFound('Server pool', 'target_image.server_pool_id')
  }
}

export async function createImage(deps: Deps, caller: Caller, t: CreateImageInput) {
  authorize(caller, 'images_create')
  const image = await deps.db.transaction(async (tx) => {
    const values = { friendlyName: t.friendly_name, ...columnsOf(t), ...(await passwordColumn(deps, t.docker_password)) }
    await checkImage(tx, {
      imageType: values.imageType ?? 'Container',
      name: values.name ?? null,
      linkUrl: values.linkUrl ?? null,
      serverId: values.serverId ?? null,
      serverPoolId: values.serverPoolId ?? null,
      restrictToZone: values.restrictToZone ?? false,
      zoneId: values.zoneId ?? null,
    })
    const [i] = await tx.insert(images).values(values).returning()
    if (!i) throw new Error('insert returned no row')
    await audit(tx, caller, 'create_image', { type: 'image', id: i.id })
    return savedView(tx, i.id)
  })
  return { image }
}

export async function updateImage(deps: Deps, caller: Caller, t: UpdateImageInput) {
  authorize(caller, 'images_modify')
  const image = await deps.db.transaction(async (tx) => {
    const current = await findImage(tx, t.image_id)
    const changes = { ...columnsOf(t), ...(await passwordColumn(deps, t.docker_password)) }
    await checkImage(tx, { ...current, ...changes })
    const [i] = await tx.update(images).set(changes).where(eq(images.id, current.id)).returning()
    if (!i) throw ApiError.notFound('Workspace', 'target_image.image_id')
    await audit(tx, caller, 'update_image', { type: 'image', id: i.id }, { fields: Object.keys(t).filter((k) => k !== 'image_id') })
    return savedView(tx, i.id)
  })
  return { image }
}

/** Refuses while sessions of the workspace are live. */
export async function deleteImage(deps: Deps, caller: Caller, imageId: string) {
  authorize(caller, 'images_delete')
  await deps.db.transaction(async (tx) => {
    const current = await findImage(tx, imageId)
    const live = await liveKasmIdsForImage(tx, current.id)
    if (live.length > 0) throw ApiError.conflict(`Workspace has ${live.length} active session(s); end them first`, 'target_image.image_id')
    await tx.delete(images).where(inArray(images.id, [current.id]))
    await audit(tx, caller, 'delete_image', { type: 'image', id: current.id }, { friendly_name: current.friendlyName })
  })
  return {}
}

export async function findImage(db: DbOrTx, imageId: string): Promise<Image> {
  const [i] = await db.select().from(images).where(eq(images.id, imageId)).limit(1)
  if (!i) throw ApiError.notFound('Workspace', 'target_image.image_id')
  return i
}
