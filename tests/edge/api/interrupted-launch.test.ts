// Launches cut short (the agent restarted between Docker steps, or went away): the edge never leaves
// them waiting. A starting session its agent holds stopped is started again, one it no longer lists
// is created again, and the start timeout says why a launch failed.
import { describe, expect, it } from 'vitest'
import { runManagerTick } from '../../../edge/src/services/manager'
import { START_TIMEOUT_MS } from '../../../edge/src/services/kasms/states'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'
import { enrolTestAgent, registrationToken, type TestAgent } from '../../support/test-agent'

const { t, admin } = useTestContext()
const GiB = 1024 ** 3

async function onlyAgent(name = 'test-agent'): Promise<TestAgent> {
  await t.db.execute('update agents set enabled = false')
  return enrolTestAgent(t, await registrationToken(t, admin), { resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 }, name })
}

/** A launched session as the agent sees it (its id in the work, dashed) and as the user does. */
async function launch(agent: TestAgent) {
  const g = await t.seed.group({ settings: { max_kasms_per_user: 0 } })
  const img = await t.seed.image({ cores: 1, memory: GiB })
  await t.seed.permitImage(g.id, img.id)
  const u = await t.seed.user({ groups: [g.name] })
  const auth = { token: await t.seed.tokenFor(u.id) }
  const res = await t.api('request_kasm', { image_id: img.id }, auth)
  expect(res.status).toBe(200)
  const work = (await agent.poll()).body.work.create.find((w: { kasm_id: string }) => kid(w.kasm_id) === res.body.kasm_id)
  // created_at is the database's time, the start timeout the test clock's: align them.
  await t.db.execute(`update kasms set created_at = '${t.clock.now().toISOString()}' where id = '${work.kasm_id}'`)
  const status = async () => (await t.api('get_kasm_status', { kasm_id: res.body.kasm_id }, auth)).body
  return { id: work.kasm_id as string, status }
}

describe('a starting session its agent holds stopped', () => {
  it.each(['requested', 'starting'] as const)('is handed resume work while %s, then runs once the agent reports it', async (edgeState) => {
    const agent = await onlyAgent()
    const s = await launch(agent)
    if (edgeState === 'starting') await agent.report([{ kasm_id: s.id, state: 'starting', container_id: 'c1', progress: 60 }])
    expect((await s.status()).operational_status).toBe(edgeState)
    // The agent restarted and found the container created or exited: it reports it stopped.
    const poll = await agent.poll([{ kasm_id: s.id, state: 'stopped', container_id: 'c1', progress: 100 }])
    expect(poll.body.work).toMatchObject({ resume: [s.id], create: [], destroy: [] })
    expect(await s.status()).toMatchObject({
      operational_status: edgeState,
      operational_message: 'Starting the desktop again after an interruption',
    })
    await agent.report([{ kasm_id: s.id, state: 'running', container_id: 'c1' }])
    expect((await s.status()).operational_status).toBe('running')
    expect((await agent.poll([{ kasm_id: s.id, state: 'running', container_id: 'c1' }])).body.work).toMatchObject({
      resume: [],
      create: [],
      destroy: [],
    })
  })

  it('held paused is resumed too; a failed restart ends in error with the agent’s reason, and is removed', async () => {
    const agent = await onlyAgent()
    const s = await launch(agent)
    expect((await agent.poll([{ kasm_id: s.id, state: 'paused', container_id: 'c1' }])).body.work.resume).toEqual([s.id])
    await agent.report([
      { kasm_id: s.id, state: 'error', container_id: 'c1', message: 'The session could not resume: no space left on device' },
    ])
    expect(await s.status()).toMatchObject({
      operational_status: 'error',
      operational_message: 'The session could not resume: no space left on device',
    })
    expect((await agent.poll([{ kasm_id: s.id, state: 'error', container_id: 'c1' }])).body.work).toMatchObject({
      resume: [],
      destroy: [s.id],
    })
  })
})

describe('a starting session its agent does not list', () => {
  it.each(['requested', 'provisioning', 'starting'] as const)('is handed create work again while %s', async (edgeState) => {
    const agent = await onlyAgent()
    const s = await launch(agent)
    if (edgeState !== 'requested') await agent.report([{ kasm_id: s.id, state: edgeState, progress: 30 }])
    expect((await s.status()).operational_status).toBe(edgeState)
    // Restarted before its container existed: the agent lists nothing for the session.
    const work = (await agent.poll([])).body.work
    expect(work.create.map((w: { kasm_id: string }) => w.kasm_id)).toEqual([s.id])
  })
})

describe('the start timeout', () => {
  it('names an agent that went offline, and since when', async () => {
    const agent = await onlyAgent('offline-agent')
    const s = await launch(agent)
    const lastSeen = t.clock.now()
    t.clock.advance(START_TIMEOUT_MS + 1000)
    await runManagerTick(t.db, t.clock)
    expect(await s.status()).toMatchObject({
      operational_status: 'error',
      operational_message: `Its agent offline-agent has been offline since ${lastSeen.toISOString()}, so the session could not start`,
    })
  })

  it('names an online agent that never picked the session up, and spares one still working on it', async () => {
    const agent = await onlyAgent('busy-agent')
    const idle = await launch(agent)
    const pulling = await launch(agent)
    await agent.report([{ kasm_id: pulling.id, state: 'provisioning', progress: 20, message: 'Pulling oriel/desktop:1.0' }])
    // The agent keeps polling (it is online) but never reports the first session.
    for (let left = START_TIMEOUT_MS + 1000; left > 0; left -= 4000) {
      t.clock.advance(4000)
      await agent.poll([{ kasm_id: pulling.id, state: 'provisioning', progress: 20 }])
    }
    await runManagerTick(t.db, t.clock)
    expect(await idle.status()).toMatchObject({
      operational_status: 'error',
      operational_message: 'Its agent busy-agent is online but did not pick up the session within 5 minutes',
    })
    expect((await pulling.status()).operational_status).toBe('provisioning')
  })

  it('names an agent removed before the session started', async () => {
    const agent = await onlyAgent()
    const s = await launch(agent)
    await t.db.execute(`update kasms set agent_id = null where id = '${s.id}'`)
    t.clock.advance(START_TIMEOUT_MS + 1000)
    await runManagerTick(t.db, t.clock)
    expect(await s.status()).toMatchObject({
      operational_status: 'error',
      operational_message: 'Its agent was removed before the session started',
    })
  })
})
