// What the session tests (kasms.test.ts, kasm-expiry.test.ts) share: a user allowed to launch a desktop,
// and an agent that is the only one enabled, so each test knows where its sessions go.
import type { TestContext } from '../../support/context'
import { enrolTestAgent, registrationToken, type TestAgent } from '../../support/test-agent'

export const GiB = 1024 ** 3

/** The launcher and agent helpers for this file's context `t`, enrolling agents as `admin`. */
export function kasmFixtures(t: TestContext, admin: { token: string }) {
  /** A user allowed (through a group) to launch a 2-core, 2 GiB desktop. */
  async function launcher(settings: Record<string, unknown> = {}, image: Record<string, unknown> = {}) {
    const g = await t.seed.group({ settings })
    const img = await t.seed.image({ cores: 2, memory: 2 * GiB, ...image })
    await t.seed.permitImage(g.id, img.id)
    const u = await t.seed.user({ groups: [g.name] })
    return { user: u, image: img, auth: { token: await t.seed.tokenFor(u.id) } }
  }

  /** A new agent, after disabling every other one: files share one database. */
  async function onlyAgent(o: Parameters<typeof enrolTestAgent>[2] = {}): Promise<TestAgent> {
    await t.db.execute('update agents set enabled = false')
    return enrolTestAgent(t, await registrationToken(t, admin), o)
  }

  return { launcher, onlyAgent }
}
