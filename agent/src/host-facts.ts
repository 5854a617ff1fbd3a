import type { DockerPort } from './docker/docker-port'

/** Resources and images change rarely; a poll reports a copy at most this old. */
export const HOST_FACTS_MAX_AGE_MS = 30_000

/**
 * What the host offers (cores, memory, GPUs) and which images it holds, cached so that a poll (one
 * per wake hint, that is one per launch) does not wait for two Docker calls first.
 */
export function createHostFacts(docker: DockerPort, maxAgeMs = HOST_FACTS_MAX_AGE_MS) {
  let facts: { info: Awaited<ReturnType<DockerPort['info']>>; images: string[]; at: number } | undefined
  let inFlight: Promise<void> | undefined
  const refresh = () =>
    (inFlight ??= (async () => {
      const [info, images] = await Promise.all([docker.info(), docker.listImages()])
      facts = { info, images, at: Date.now() }
    })().finally(() => (inFlight = undefined)))
  return {
    async get() {
      if (!facts || Date.now() - facts.at > maxAgeMs) await refresh()
      return facts!
    },
    /** True when the image is here; a miss in the cache is checked with Docker before anyone pulls. */
    async hasImage(ref: string) {
      if ((await this.get()).images.includes(ref)) return true
      await refresh()
      return facts!.images.includes(ref)
    },
    /** After a pull or removal. */
    invalidate: () => void (facts = undefined),
  }
}
export type HostFacts = ReturnType<typeof createHostFacts>
