// A registry that stops answering mid-launch must not park the launch: the pull fails once the
// registry has sent nothing for the stall limit, with a message that says so, and the next pull
// from the same registry works once it answers again.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createDockerodePort } from '../../../agent/src/docker/docker-port'
import { ensureDocker } from '../../support/platform'
import { startRegistry } from '../../support/registry'

const STALL_MS = 3_000
let registry: Awaited<ReturnType<typeof startRegistry>>
const auth = { serveraddress: '', username: 'staller', password: 'stall-pass' }

beforeAll(async () => {
  ensureDocker()
  registry = await startRegistry(auth.username, auth.password)
  auth.serveraddress = registry.address
}, 900_000)
afterAll(() => {
  registry?.forget()
  registry?.stop()
})

it('fails a pull from a frozen registry after the stall limit, and pulls again once it answers', async () => {
  const docker = createDockerodePort({ socketPath: '/var/run/docker.sock', pullStallMs: STALL_MS })
  registry.pause()
  const t0 = Date.now()
  await expect(docker.pullImage(registry.ref, auth)).rejects.toThrow(/the registry sent nothing for 3 s/)
  const ms = Date.now() - t0
  expect(ms).toBeGreaterThanOrEqual(STALL_MS)
  expect(ms).toBeLessThan(STALL_MS + 5_000)
  registry.resume()
  await docker.pullImage(registry.ref, auth)
  registry.forget()
})
