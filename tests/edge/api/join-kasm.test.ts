import { sql } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'
import { enrolTestAgent, registrationToken, type TestAgent } from '../../support/test-agent'

const { t, admin } = useTestContext()
const GiB = 1024 ** 3
let agent: TestAgent | undefined

/** One agent for the file, big enough for every session it launches. */
async function theAgent(): Promise<TestAgent> {
  return (agent ??= await enrolTestAgent(t, await registrationToken(t, admin), {
    resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 },
  }))
}

/** A user whose groups allow sharing (plus `settings`), with a shared session, running unless told otherwise. */
async function sharedSession(settings: Record<string, unknown> = {}, o: { running?: boolean } = {}) {
  const a = await theAgent()
  const g = await t.seed.group({ settings: { allow_kasm_sharing: true, ...settings } })
  const image = await t.seed.image({ cores: 1, memory: GiB, imageSrc: 'img/desktop.png' })
  await t.seed.permitImage(g.id, image.id)
  const owner = await t.seed.user({ groups: [g.name] })
  const auth = { token: await t.seed.tokenFor(owner.id) }
  const req = await t.api('request_kasm', { image_id: kid(image.id), enable_sharing: true }, auth)
  expect(req.status).toBe(200)
  expect(req.body.share_id).toMatch(/^[a-z0-9]{24}$/)
  const work = (await a.poll()).body.work.create.find((w: { kasm_id: string }) => kid(w.kasm_id) === req.body.kasm_id)
  if (o.running ?? true) await a.report([{ kasm_id: work.kasm_id, state: 'running', container_id: 'c1' }])
  return {
    owner,
    auth,
    image,
    kasmId: req.body.kasm_id as string,
    shareId: req.body.share_id as string,
    sessionToken: req.body.session_token as string,
  }
}

const viewer = async (groups: string[] = []) => {
  const user = await t.seed.user({ groups })
  return { user, auth: { token: await t.seed.tokenFor(user.id) } }
}

describe('join_kasm', () => {
  it('joins by share_id, view-only by default, with a stream token of the viewer’s own and no owner secrets', async () => {
    const s = await sharedSession()
    const v = await viewer()
    const res = await t.api('join_kasm', { share_id: s.shareId }, v.auth)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      user_id: kid(v.user.id),
      username: v.user.username,
      share_id: s.shareId,
      kasm_url: `/#/join/${s.shareId}`,
      kasm: {
        kasm_id: s.kasmId,
        share_id: s.shareId,
        user: { username: s.owner.username },
        image: { image_id: kid(s.image.id), friendly_name: s.image.friendlyName, name: 'oriel/desktop:1.0', image_src: 'img/desktop.png' },
        view_only: true,
        client_settings: {
          allow_kasm_clipboard_up: false,
          allow_kasm_clipboard_down: false,
          allow_kasm_uploads: false,
          allow_kasm_downloads: false,
        },
        operational_status: 'running',
      },
    })
    expect(Date.parse(res.body.current_time)).not.toBeNaN()
    const claims = decodeJwt(res.body.kasm.stream.token)
    expect(claims).toMatchObject({
      typ: 'stream',
      sub: v.user.id,
      aud: (await theAgent()).id,
      view_only: true,
      dlp: { clipboard_up: false, clipboard_down: false, uploads: false, downloads: false, printing: false },
    })
    expect(kid(claims.kasm_id as string)).toBe(s.kasmId)
    const text = JSON.stringify(res.body)
    expect(text).not.toContain(s.sessionToken)
    expect(text).not.toContain('session_token')
    expect(text).not.toMatch(/password/i)
  })

  it('accepts the share id under Kasm’s other name, shared_id, and nulls for the optional fields', async () => {
    const s = await sharedSession()
    const v = await viewer()
    const res = await t.api('join_kasm', { shared_id: s.shareId, share_id: null, user_id: null }, v.auth)
    expect(res.status).toBe(200)
    expect(res.body.kasm).toMatchObject({ kasm_id: s.kasmId, view_only: true })
  })

  it('gives full control, with the owner’s DLP flags, when the owner’s groups set shared_session_full_control', async () => {
    const s = await sharedSession({ shared_session_full_control: true, allow_kasm_clipboard_down: false })
    const v = await viewer()
    const res = await t.api('join_kasm', { share_id: s.shareId }, v.auth)
    expect(res.status).toBe(200)
    expect(res.body.kasm.view_only).toBe(false)
    expect(res.body.kasm.client_settings).toEqual({
      allow_kasm_clipboard_up: true,
      allow_kasm_clipboard_down: false,
      allow_kasm_uploads: true,
      allow_kasm_downloads: true,
    })
    const claims = decodeJwt(res.body.kasm.stream.token)
    expect(claims.view_only).toBeUndefined()
    expect(claims).toMatchObject({ sub: v.user.id, dlp: { clipboard_up: true, clipboard_down: false, uploads: true, downloads: true } })
  })

  it('follows the owner’s groups, not the viewer’s, and the owner opening their own link has full control', async () => {
    const s = await sharedSession()
    const generous = await t.seed.group({ settings: { shared_session_full_control: true } })
    const v = await viewer([generous.name])
    expect((await t.api('join_kasm', { share_id: s.shareId }, v.auth)).body.kasm.view_only).toBe(true)
    const own = await t.api('join_kasm', { share_id: s.shareId }, s.auth)
    expect(own.status).toBe(200)
    expect(own.body.kasm.view_only).toBe(false)
    expect(decodeJwt(own.body.kasm.stream.token)).toMatchObject({ sub: s.owner.id, dlp: { clipboard_up: true, uploads: true } })
  })

  it('answers without a stream while the session is not running yet', async () => {
    const s = await sharedSession({}, { running: false })
    const res = await t.api('join_kasm', { share_id: s.shareId }, (await viewer()).auth)
    expect(res.status).toBe(200)
    expect(res.body.kasm.operational_status).toBe('requested')
    expect(res.body.kasm.stream).toBeUndefined()
  })

  it('lets an API key join for a user with users_auth_session and user, and only then', async () => {
    const s = await sharedSession()
    const v = await viewer()
    const weak = await t.seed.apiKey({ permissions: ['user'] })
    const strong = await t.seed.apiKey({ permissions: ['user', 'users_auth_session'] })
    const before = await t.counts()
    expect((await t.api('join_kasm', { share_id: s.shareId, user_id: kid(v.user.id) }, { key: weak })).status).toBe(403)
    const noUser = await t.api('join_kasm', { share_id: s.shareId }, { key: strong })
    expect(noUser.status).toBe(400)
    expect(noUser.body.field).toBe('user_id')
    // A signed-in user acting for someone else needs the same permission.
    expect((await t.api('join_kasm', { share_id: s.shareId, user_id: kid(s.owner.id) }, v.auth)).status).toBe(403)
    expect(await t.counts()).toEqual(before)
    const ok = await t.api('join_kasm', { share_id: s.shareId, user_id: kid(v.user.id) }, { key: strong })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ user_id: kid(v.user.id), kasm: { view_only: true } })
  })
})

describe('join_kasm refusals', () => {
  it('404s a share id that matches no live session, compared exactly', async () => {
    const s = await sharedSession()
    const v = await viewer()
    const ended = await sharedSession()
    expect((await t.api('destroy_kasm', { kasm_id: ended.kasmId }, ended.auth)).status).toBe(200) // now deleting
    const before = await t.counts()
    for (const share_id of ['nosuchid', s.shareId.toUpperCase(), `${s.shareId} `, s.shareId.slice(1), ended.shareId]) {
      const res = await t.api('join_kasm', { share_id }, v.auth)
      expect([share_id, res.status]).toEqual([share_id, 404])
      expect(res.body).toMatchObject({ error_message: 'Session does not exist', field: 'share_id' })
    }
    await t.db.execute(sql`update kasms set status = 'error' where share_id = ${s.shareId}`)
    expect((await t.api('join_kasm', { share_id: s.shareId }, v.auth)).status).toBe(404)
    expect(await t.counts()).toEqual(before)
  })

  it('refuses anonymous callers, locked and disabled joiners, and bad input, changing nothing', async () => {
    const s = await sharedSession()
    const v = await viewer()
    const locked = await t.seed.user({ locked: true })
    const disabled = await t.seed.user({ disabled: true })
    const lockedToken = await t.seed.tokenFor(locked.id)
    const strong = await t.seed.apiKey({ permissions: ['user', 'users_auth_session'] })
    const before = await t.counts()
    expect((await t.api('join_kasm', { share_id: s.shareId })).status).toBe(401)
    // A locked user's own sign-in stops working (401); acting for them, join_kasm refuses them (403).
    expect((await t.api('join_kasm', { share_id: s.shareId }, { token: lockedToken })).status).toBe(401)
    for (const u of [locked, disabled]) {
      const res = await t.api('join_kasm', { share_id: s.shareId, user_id: kid(u.id) }, { key: strong })
      expect(res.status).toBe(403)
      expect(res.body.error_message).toBe('This account is locked or disabled')
    }
    const missing = await t.api('join_kasm', { share_id: s.shareId, user_id: crypto.randomUUID() }, { key: strong })
    expect(missing.status).toBe(404)
    expect(missing.body.field).toBe('user_id')
    const none = await t.api('join_kasm', {}, v.auth)
    expect(none.status).toBe(400)
    expect(none.body.error_message).toBeTruthy()
    expect((await t.api('join_kasm', { share_id: 'x'.repeat(49) }, v.auth)).status).toBe(400)
    expect((await t.api('join_kasm', { share_id: 42 }, v.auth)).status).toBe(400)
    expect(await t.counts()).toEqual(before)
  })
})
