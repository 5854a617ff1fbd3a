/** What a workspace launches: a container, a fixed server, a server pool, or a plain link. */
export const IMAGE_TYPES = ['Container', 'Server', 'Server Pool', 'Link'] as const
export type ImageType = (typeof IMAGE_TYPES)[number]
