// Kasm: an API key's request_kasm without a user_id launches for a new anonymous user
// (Kasm's docs: Developer API), who signs in only through the session's deep link.
import { describe, expect, it } from 'vitest'
import { runManagerTick } from '../../../edge/src/services/manager'
import { useTestContext } from '../../support/context'
import { enrolTestAgent, registrationToken } from '../../support/test-agent'

const { t, admin } = useTestContext()
const GiB = 1024 ** 3

async function setup() {
  await t.db.execute('update agents set enabled = false')
  const agent = await enrolTestAgent(t, await registrationToken(t, admin), { resources: { cores: 16, memory_bytes: 32 * GiB, gpus: 0 } })
  const image = await t.seed.image({ cores: 1, memory: GiB })
  await t.seed.permitImage(await t.seed.groupId('All Users'), image.id)
  const key = await t.seed.apiKey({ permissions: ['user', 'users_auth_session'] })
  return { agent, image, key }
}

describe('request_kasm without user_id', () => {
  it('launches for a new anonymous user in All Users, who signs in with the deep link', async () => {
    const { image, key } = await setup()
    const res = await t.api('request_kasm', { image_id: image.id }, { key })
    expect(res.status).toBe(200)
    expect(res.body.username).toMatch(/^anonymous-[0-9a-z]{16}$/)
    const user = (await t.api('get_user', { target_user: { user_id: res.body.user_id } }, admin)).body.user
    expect(user).toMatchObject({ anonymous: true, groups: [{ name: 'All Users' }], kasms: [{ kasm_id: res.body.kasm_id }] })
    const [, , , , kasmId, userId, token] = res.body.kasm_url.split('/')
    const signed = await t.api('login', { kasm_id: kasmId, user_id: userId, session_token: token })
    expect([signed.status, signed.body.user.username]).toEqual([200, res.body.username])
    // No password: the name alone signs nobody in.
    expect((await t.api('login', { username: res.body.username, password: 'anything-at-all' })).status).toBe(401)
  })

  it('needs users_auth_session; refused launches leave no user behind', async () => {
    const { image } = await setup()
    const weak = await t.seed.apiKey({ permissions: ['user'] })
    const before = await t.counts()
    expect((await t.api('request_kasm', { image_id: image.id }, { key: weak })).status).toBe(403)
    const strong = await t.seed.apiKey({ permissions: ['user', 'users_auth_session'] })
    const hidden = await t.seed.image()
    const after = await t.counts()
    expect((await t.api('request_kasm', { image_id: hidden.id }, { key: strong })).status).toBe(403)
    expect((await t.api('request_kasm', { image_id: crypto.randomUUID() }, { key: strong })).status).toBe(404)
    expect((await t.counts()).users).toBe(before.users)
    expect((await t.counts()).kasms).toBe(after.kasms)
  })

  it('the anonymous user goes once their session has ended', async () => {
    const { agent, image, key } = await setup()
    const res = await t.api('request_kasm', { image_id: image.id }, { key })
    const work = (await agent.poll()).body.work.create.find((w: { kasm_id: string }) => w.kasm_id.replaceAll('-', '') === res.body.kasm_id)
    await agent.report([{ kasm_id: work.kasm_id, state: 'running' }])
    await runManagerTick(t.db, t.clock)
    const find = () => t.api('get_user', { target_user: { user_id: res.body.user_id } }, admin)
    expect((await find()).status).toBe(200)
    await t.api('destroy_kasm', { kasm_id: res.body.kasm_id, user_id: res.body.user_id }, { key })
    await runManagerTick(t.db, t.clock)
    expect((await find()).status).toBe(200) // still deleting
    await agent.report([{ kasm_id: work.kasm_id, state: 'deleted' }])
    await runManagerTick(t.db, t.clock)
    expect((await find()).status).toBe(404)
  })
})
