import { Hono } from 'hono'
import { CreateImageSchema, EmptyBodySchema, TargetImageSchema, UpdateImageSchema } from '#schema'
import type { CallerEnv } from '../../env'
import { rawJsonBody } from '../../raw-json'
import { createImage, deleteImage, getImage, listImages, updateImage } from '../../services/images/images'
import { vJson } from '../../validate'

export const imagesApi = new Hono<CallerEnv>()
  .post('/get_images', vJson(EmptyBodySchema), async (c) =>
    c.body(rawJsonBody('images', (await listImages(c.var.deps, c.var.caller)).images), 200, { 'Content-Type': 'application/json' }),
  )
  .post('/get_image', vJson(TargetImageSchema), async (c) =>
    c.body(rawJsonBody('image', await getImage(c.var.deps, c.var.caller, c.req.valid('json').target_image.image_id)), 200, {
      'Content-Type': 'application/json',
    }),
  )
  .post('/create_image', vJson(CreateImageSchema), async (c) =>
    c.json(await createImage(c.var.deps, c.var.caller, c.req.valid('json').target_image)),
  )
  .post('/update_image', vJson(UpdateImageSchema), async (c) =>
    c.json(await updateImage(c.var.deps, c.var.caller, c.req.valid('json').target_image)),
  )
  .post('/delete_image', vJson(TargetImageSchema), async (c) =>
    c.json(await deleteImage(c.var.deps, c.var.caller, c.req.valid('json').target_image.image_id)),
  )
