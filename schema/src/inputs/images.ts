import * as v from 'valibot'
import { IMAGE_TYPES } from '../image-types'
import { VolumeMappingSchema } from '../settings'
import { body, IdSchema, NameSchema, OptionalTextSchema } from './common'
import { DockerExecConfigSchema, DockerRunConfigSchema } from './run-config'

/** A Docker reference that names a tag or a digest (Kasm's docs: Workspace Images, Adding Images: without a tag the pull can fail). */
const DOCKER_REF_WITH_TAG =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/

const DockerImageSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(255),
  v.regex(DOCKER_REF_WITH_TAG, 'must be a Docker image reference with a tag, e.g. oriel/desktop:1.0'),
)
/** Profile paths may use {username}, {user_id} and {image_id}, and nothing else in braces. */
const ProfilePathSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(1024),
  v.regex(/^(\/|s3:\/\/)/, 'must be an absolute path or an s3:// URL'),
  v.check(
    (p) => (p.match(/\{[^}]*\}/g) ?? []).every((t) => ['{username}', '{user_id}', '{image_id}'].includes(t)),
    'may only use {username}, {user_id} and {image_id}',
  ),
)
const LabelListSchema = v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(255))), v.maxLength(100))
const HttpUrlSchema = v.pipe(v.string(), v.url('must be a URL'), v.regex(/^https?:\/\//, 'must be an http or https URL'))

/**
 * Kasm's create_image and update_image send run_config, exec_config, volume_mappings and
 * categories as JSON text; Oriel's own clients send the values. Both are taken; "" means empty.
 */
const orJsonText = <S extends v.GenericSchema>(schema: S, empty: unknown) =>
  v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      if (typeof dataset.value !== 'string') return dataset.value
      if (dataset.value.trim() === '') return empty
      try {
        return JSON.parse(dataset.value) as unknown
      } catch {
        addIssue({ message: 'must be JSON: a value, or its JSON text' })
        return NEVER
      }
    }),
    schema,
  )

const ImageFieldsSchema = {
  image_type: v.optional(v.picklist(IMAGE_TYPES, `must be one of ${IMAGE_TYPES.join(', ')}`)),
  name: v.optional(v.nullable(DockerImageSchema)),
  description: OptionalTextSchema(4000),
  image_src: OptionalTextSchema(2048),
  categories: v.optional(orJsonText(v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))), v.maxLength(50)), [])),
  cores: v.optional(v.pipe(v.number(), v.minValue(0.1, 'must be at least 0.1'), v.maxValue(1024))),
  memory: v.optional(
    v.pipe(v.number(), v.integer('must be a whole number of bytes'), v.minValue(6_291_456, 'must be at least 6 MiB (6291456 bytes)')),
  ),
  gpu_count: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(64))),
  run_config: v.optional(orJsonText(DockerRunConfigSchema, {})),
  exec_config: v.optional(orJsonText(DockerExecConfigSchema, {})),
  persistent_profile_path: v.optional(v.nullable(ProfilePathSchema)),
  volume_mappings: v.optional(orJsonText(VolumeMappingSchema, {})),
  restrict_to_zone: v.optional(v.boolean()),
  zone_id: v.optional(v.nullable(IdSchema)),
  server_id: v.optional(v.nullable(IdSchema)),
  server_pool_id: v.optional(v.nullable(IdSchema)),
  include_labels: v.optional(LabelListSchema),
  exclude_labels: v.optional(LabelListSchema),
  link_url: v.optional(v.nullable(HttpUrlSchema)),
  docker_registry: OptionalTextSchema(1024),
  docker_user: OptionalTextSchema(255),
  /** Write-only: responses only say whether one is set. null removes it. */
  docker_password: v.optional(v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(4096)))),
  enabled: v.optional(v.boolean()),
  hidden: v.optional(v.boolean()),
}

export const CreateImageSchema = body({
  target_image: v.object({ friendly_name: NameSchema(255), ...ImageFieldsSchema }),
})
export const UpdateImageSchema = body({
  target_image: v.object({ image_id: IdSchema, friendly_name: v.optional(NameSchema(255)), ...ImageFieldsSchema }),
})
export const TargetImageSchema = body({ target_image: v.object({ image_id: IdSchema }) })

export type CreateImageInput = v.InferOutput<typeof CreateImageSchema>['target_image']
export type UpdateImageInput = v.InferOutput<typeof UpdateImageSchema>['target_image']
