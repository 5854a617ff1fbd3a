// request_kasm's launch options as the edge stores them and hands them to the agent: the request's
// values, the user's preferred language and time zone when it names none, and refusals that change nothing.
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { kasms, userAttributes } from '#schema'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'
import { enrolTestAgent, registrationToken, type TestAgent } from '../../support/test-agent'

const { t, admin } = useTestContext()
const GiB = 1024 ** 3
let agent: TestAgent

beforeAll(async () => {
  await t.db.execute('update agents set enabled = false')
  agent = await enrolTestAgent(t, await registrationToken(t, admin), { resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
})

/** A user allowed to launch a small desktop, with the given group settings and workspace fields. */
async function launcher(settings: Record<string, unknown> = {}, image: Record<string, unknown> = {}) {
  const g = await t.seed.group({ settings: { max_kasms_per_user: 0, ...settings } })
  const img = await t.seed.image({ cores: 0.5, memory: GiB / 2, ...image })
  await t.seed.permitImage(g.id, img.id)
  const user = await t.seed.user({ groups: [g.name] })
  return { user, image: img, auth: { token: await t.seed.tokenFor(user.id) } }
}

/** Launches and answers with what the agent is handed for that session (and the stored spec, which must match). */
async function launchWork(l: Awaited<ReturnType<typeof launcher>>, options: Record<string, unknown> = {}) {
  const res = await t.api('request_kasm', { image_id: kid(l.image.id), ...options }, l.auth)
  expect(res.status).toBe(200)
  const work = (await agent.poll()).body.work.create.find((w: { kasm_id: string }) => kid(w.kasm_id) === res.body.kasm_id)
  const [row] = await t.db.select({ spec: kasms.launchSpec }).from(kasms).where(eq(kasms.id, work.kasm_id))
  expect(row!.spec).toMatchObject({
    environment: work.environment,
    client_language: work.client_language,
    client_timezone: work.client_timezone,
    persistent_profile_mode: work.persistent_profile_mode,
    kasm_url: work.kasm_url,
  })
  return { kasmId: res.body.kasm_id as string, work }
}

const setPreferences = (userId: string, preferredLanguage: string | null, preferredTimezone: string | null) =>
  t.db.update(userAttributes).set({ preferredLanguage, preferredTimezone }).where(eq(userAttributes.userId, userId))

describe('request_kasm launch options', () => {
  it('carries the request’s environment, language, time zone, profile mode and start URL to the agent', async () => {
    const l = await launcher({}, { persistentProfilePath: '/profiles/{username}' })
    const { work } = await launchWork(l, {
      environment: { GREETING: 'hello world', COUNT: 3, DEBUG: true },
      client_language: 'pt_BR',
      client_timezone: 'America/Sao_Paulo',
      persistent_profile_mode: 'Reset',
      kasm_url: 'https://example.com/start?x=1',
    })
    expect(work).toMatchObject({
      // Kasm's clients may send numbers and booleans: the container gets text.
      environment: { GREETING: 'hello world', COUNT: '3', DEBUG: 'true' },
      client_language: 'pt_BR',
      client_timezone: 'America/Sao_Paulo',
      persistent_profile_path: '/profiles/{username}',
      persistent_profile_mode: 'Reset',
      kasm_url: 'https://example.com/start?x=1',
    })
  })

  it('takes the user’s preferred language and time zone when the request names none, and the request’s over them', async () => {
    const l = await launcher()
    await setPreferences(l.user.id, 'de-DE', 'Europe/Berlin')
    expect((await launchWork(l)).work).toMatchObject({
      client_language: 'de-DE',
      client_timezone: 'Europe/Berlin',
      environment: {},
      kasm_url: null,
    })
    // null is Kasm's way of leaving a field out.
    expect((await launchWork(l, { client_language: null, client_timezone: null })).work).toMatchObject({
      client_language: 'de-DE',
      client_timezone: 'Europe/Berlin',
    })
    expect((await launchWork(l, { client_language: 'fr-CA' })).work).toMatchObject({
      client_language: 'fr-CA',
      client_timezone: 'Europe/Berlin',
    })
    expect((await launchWork(l, { client_timezone: 'Asia/Tokyo' })).work).toMatchObject({
      client_language: 'de-DE',
      client_timezone: 'Asia/Tokyo',
    })
  })

  it('launches without a language or time zone when neither the request nor the user has a usable one', async () => {
    const l = await launcher()
    expect((await launchWork(l)).work).toMatchObject({ client_language: null, client_timezone: null })
    // Preferences are free text the user typed: ones that name no locale or zone are skipped, not fatal.
    await setPreferences(l.user.id, 'Klingon', 'Mars/Olympus_Mons')
    expect((await launchWork(l)).work).toMatchObject({ client_language: null, client_timezone: null })
  })

  it('records the profile mode only where a profile applies, Enabled by default', async () => {
    const withProfile = await launcher({}, { persistentProfilePath: '/profiles/{username}' })
    expect((await launchWork(withProfile)).work.persistent_profile_mode).toBe('Enabled')
    const disabled = await launchWork(withProfile, { persistent_profile_mode: 'Disabled' })
    expect(disabled.work.persistent_profile_mode).toBe('Disabled')
    // The session says which mode it launched with.
    expect((await t.api('get_kasm_status', { kasm_id: disabled.kasmId }, withProfile.auth)).body.kasm.persistent_profile_mode).toBe(
      'Disabled',
    )
    const listed = (await t.api('get_kasms', {}, withProfile.auth)).body.kasms
    expect(listed.find((k: { kasm_id: string }) => k.kasm_id === disabled.kasmId).persistent_profile_mode).toBe('Disabled')
    // No profile path, or a group that forbids profiles: the mode is accepted and nothing applies.
    const none = await launcher()
    const noProfile = await launchWork(none, { persistent_profile_mode: 'Reset' })
    expect(noProfile.work).toMatchObject({ persistent_profile_path: null, persistent_profile_mode: null })
    expect((await t.api('get_kasm_status', { kasm_id: noProfile.kasmId }, none.auth)).body.kasm.persistent_profile_mode).toBeNull()
    const forbidden = await launcher({ allow_persistent_profile: false }, { persistentProfilePath: '/profiles/{username}' })
    expect((await launchWork(forbidden, { persistent_profile_mode: 'Reset' })).work).toMatchObject({
      persistent_profile_path: null,
      persistent_profile_mode: null,
    })
  })

  it('refuses bad values with a 400 naming the field, and changes nothing', async () => {
    const l = await launcher({}, { persistentProfilePath: '/profiles/{username}' })
    const cases: [Record<string, unknown>, string][] = [
      [{ environment: { VNC_PW: 'mine' } }, 'environment.VNC_PW'],
      [{ environment: { '1BAD': 'x' } }, 'environment'],
      [{ environment: { OK: { nested: true } } }, 'environment.OK'],
      [{ environment: ['A=1'] }, 'environment'],
      [{ client_language: 'english' }, 'client_language'],
      [{ client_language: 'en US' }, 'client_language'],
      [{ client_timezone: 'Mars/Olympus_Mons' }, 'client_timezone'],
      [{ persistent_profile_mode: 'Sometimes' }, 'persistent_profile_mode'],
      [{ kasm_url: 'javascript:alert(1)' }, 'kasm_url'],
      [{ kasm_url: 'not a url' }, 'kasm_url'],
    ]
    const before = await t.counts()
    for (const [options, field] of cases) {
      const res = await t.api('request_kasm', { image_id: kid(l.image.id), ...options }, l.auth)
      expect([field, res.status]).toEqual([field, 400])
      expect(res.body.error_message).toContain(field)
      expect(Object.keys(res.body.issues ?? {}).some((k) => k.startsWith(field))).toBe(true)
    }
    expect(await t.counts()).toEqual(before)
    expect((await agent.poll()).body.work.create.filter((w: { user_id: string }) => w.user_id === l.user.id)).toEqual([])
  })
})
