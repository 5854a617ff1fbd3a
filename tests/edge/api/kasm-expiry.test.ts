// When sessions end by time and by silence, through the API and the manager tick: keepalive and its expiry,
// session_time_limit, an agent gone offline, and deletions whose agent never confirms them.
import { describe, expect, it } from 'vitest'
import { runManagerTick } from '../../../edge/src/services/manager'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'
import { GiB, kasmFixtures } from './kasm-fixtures'

const { t, admin } = useTestContext()
const { launcher, onlyAgent } = kasmFixtures(t, admin)

describe('keepalive and the manager tick', () => {
  it('keepalive moves the expiry; without it the session is deleted when it expires', async () => {
    const agent = await onlyAgent({ resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
    const { image, auth } = await launcher({ keepalive_expiration: 600 })
    const { body } = await t.api('request_kasm', { image_id: image.id }, auth)
    const kasmUuid = (await agent.poll()).body.work.create[0].kasm_id
    await agent.report([{ kasm_id: kasmUuid, state: 'running' }])
    // The agent keeps polling, as a live one does; only the user's keepalive is what varies.
    const wait = async (ms: number) => {
      for (let left = ms; left > 0; left -= 4000) {
        t.clock.advance(Math.min(4000, left))
        await agent.poll([{ kasm_id: kasmUuid, state: 'running' }])
      }
    }
    await wait(500_000)
    const ka = await t.api('keepalive', { kasm_id: body.kasm_id }, auth)
    expect(ka.status).toBe(200)
    await wait(500_000)
    await runManagerTick(t.db, t.clock)
    expect((await t.api('get_kasm_status', { kasm_id: body.kasm_id }, auth)).body.operational_status).toBe('running')
    await wait(200_000)
    await runManagerTick(t.db, t.clock)
    const status = await t.api('get_kasm_status', { kasm_id: body.kasm_id }, auth)
    expect(status.body.operational_status).toBe('deleting')
    expect(status.body.operational_message).toMatch(/expired without a keepalive \(delete\)/)
    expect((await agent.poll([{ kasm_id: kasmUuid, state: 'running' }])).body.work.destroy).toEqual([kasmUuid])
  })

  it('an agent silent for three poll intervals goes offline and takes no sessions', async () => {
    const agent = await onlyAgent()
    t.clock.advance(16_000)
    await runManagerTick(t.db, t.clock)
    const listed = await t.api('get_agents', {}, admin)
    expect(listed.body.agents.find((a: { agent_id: string }) => a.agent_id === kid(agent.id)).status).toBe('offline')
    const { image, auth } = await launcher()
    expect((await t.api('request_kasm', { image_id: image.id }, auth)).status).toBe(503)
    expect((await agent.poll()).status).toBe(200)
    expect((await t.api('request_kasm', { image_id: image.id }, auth)).status).toBe(200)
  })

  it('session_time_limit ends a session however many keepalives it gets', async () => {
    const agent = await onlyAgent({ resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
    const { image, auth } = await launcher({ session_time_limit: 60 })
    const { body } = await t.api('request_kasm', { image_id: image.id }, auth)
    const kasmUuid = (await agent.poll()).body.work.create[0].kasm_id
    await agent.report([{ kasm_id: kasmUuid, state: 'running' }])
    for (let i = 0; i < 4; i++) {
      t.clock.advance(15_000)
      await agent.poll([{ kasm_id: kasmUuid, state: 'running' }])
      await t.api('keepalive', { kasm_id: body.kasm_id }, auth)
      await runManagerTick(t.db, t.clock)
    }
    const status = await t.api('get_kasm_status', { kasm_id: body.kasm_id }, auth)
    expect(status.body.operational_status).toBe('deleting')
    expect(status.body.operational_message).toBe('The session reached its time limit')
  })

  it('a deleted session whose one "deleted" report was lost ends when its agent stops listing it', async () => {
    const agent = await onlyAgent({ resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
    const { image, auth } = await launcher()
    const a = await t.api('request_kasm', { image_id: image.id }, auth)
    const b = await t.api('request_kasm', { image_id: image.id }, auth)
    const work = (await agent.poll()).body.work.create as { kasm_id: string }[]
    // Both were requested at the same (test clock) instant, so the work's order is not theirs.
    const [wa, wb] = [a, b].map((r) => work.find((w) => w.kasm_id.replaceAll('-', '') === r.body.kasm_id))
    const running = [
      { kasm_id: wa!.kasm_id, state: 'running' },
      { kasm_id: wb!.kasm_id, state: 'running' },
    ]
    await agent.report(running)
    await t.api('destroy_kasm', { kasm_id: b.body.kasm_id }, auth)
    // Still listed: the container is still there, so the session is still being deleted.
    expect((await agent.poll(running)).body.work.destroy).toEqual([wb!.kasm_id])
    expect((await t.api('get_kasm_status', { kasm_id: b.body.kasm_id }, auth)).body.operational_status).toBe('deleting')
    // Destroyed by the agent, whose report of it never arrived: the next poll no longer lists it.
    await agent.poll([running[0]!])
    expect((await t.api('get_kasm_status', { kasm_id: b.body.kasm_id }, auth)).status).toBe(404)
    expect((await t.api('get_kasm_status', { kasm_id: a.body.kasm_id }, auth)).body.operational_status).toBe('running')
  })

  it('sessions of an agent that vanished are cleaned after the grace, nothing stays stuck in deleting', async () => {
    const agent = await onlyAgent({ resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
    const { image, auth } = await launcher()
    const a = await t.api('request_kasm', { image_id: image.id }, auth)
    const b = await t.api('request_kasm', { image_id: image.id }, auth)
    const work = (await agent.poll()).body.work.create as { kasm_id: string }[]
    await agent.report(work.map((w) => ({ kasm_id: w.kasm_id, state: 'running' })))
    await t.api('destroy_kasm', { kasm_id: b.body.kasm_id }, auth)
    expect((await t.api('get_kasm_status', { kasm_id: b.body.kasm_id }, auth)).body.operational_status).toBe('deleting')
    // The agent never comes back: offline after three poll intervals, sessions gone after the grace.
    t.clock.advance(16_000)
    await runManagerTick(t.db, t.clock)
    expect((await t.api('get_kasm_status', { kasm_id: a.body.kasm_id }, auth)).body.operational_status).toBe('running')
    t.clock.advance(10 * 60_000)
    await runManagerTick(t.db, t.clock)
    expect((await t.api('get_kasm_status', { kasm_id: a.body.kasm_id }, auth)).status).toBe(404)
    expect((await t.api('get_kasm_status', { kasm_id: b.body.kasm_id }, auth)).status).toBe(404)
  })
})
