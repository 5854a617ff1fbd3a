// The verbs added for Kasm's clients, their rules and their refusals: get_login, assign_user_server /
// unassign_user_server, get_image, get_users_group, and get_kasm_status's deep link.
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'

const { t, admin } = useTestContext()
const links = async () =>
  Number(((await t.db.execute(sql`select count(*)::int as n from login_links`)) as unknown as { rows: { n: number }[] }).rows[0]!.n)

describe('get_login', () => {
  it('needs users_auth_session, and users_modify_admin for a Global Admin; a locked user gets none; nothing is made on refusal', async () => {
    const u = await t.seed.user()
    const boss = await t.seed.user({ groups: ['Administrators'] })
    const locked = await t.seed.user({ locked: true })
    const weak = await t.seed.apiKey({ permissions: ['users_view'] })
    const key = await t.seed.apiKey({ permissions: ['users_auth_session'] })
    const before = await links()
    expect((await t.api('get_login', { target_user: { user_id: kid(u.id) } }, { key: weak })).status).toBe(403)
    expect((await t.api('get_login', { target_user: { user_id: kid(boss.id) } }, { key })).status).toBe(403)
    const refusedLocked = await t.api('get_login', { target_user: { user_id: kid(locked.id) } }, { key })
    expect([refusedLocked.status, refusedLocked.body.field]).toEqual([409, 'target_user.user_id'])
    expect((await t.api('get_login', { target_user: { user_id: crypto.randomUUID() } }, { key })).status).toBe(404)
    expect(await links()).toBe(before)
    expect((await t.api('get_login', { target_user: { user_id: kid(boss.id) } }, admin)).status).toBe(200)
  })

  it('a link stops working after 5 minutes, and a garbage token is refused', async () => {
    const u = await t.seed.user()
    const key = await t.seed.apiKey({ permissions: ['users_auth_session'] })
    const { url, expires_at } = (await t.api('get_login', { target_user: { user_id: kid(u.id) } }, { key })).body
    expect(new Date(expires_at).getTime() - t.clock.now().getTime()).toBe(300_000)
    t.clock.advance(300_001)
    expect((await t.api('login', { login_token: url.split('/').pop() })).status).toBe(401)
    expect((await t.api('login', { login_token: 'x'.repeat(43) })).status).toBe(401)
  })
})

describe('assign_user_server / unassign_user_server', () => {
  async function server(inPool: boolean) {
    const pool = inPool
      ? (await t.api('create_server_pool', { target_server_pool: { server_pool_name: `p-${crypto.randomUUID().slice(0, 6)}` } }, admin))
          .body.server_pool.server_pool_id
      : null
    return (
      await t.api(
        'create_server',
        {
          target_server: {
            name: `s-${crypto.randomUUID().slice(0, 6)}`,
            zone_name: 'default',
            connection_type: 'SSH',
            connection_credential_type: 'STATIC',
            ip_hostname: 'h',
            port: 22,
            pool_id: pool,
          },
        },
        admin,
      )
    ).body.server.server_id as string
  }
  const body = (userId: string, serverId: string) => ({ target_user: { user_id: kid(userId) }, target_server: { server_id: serverId } })

  it('need servers_modify and users_modify; follow the seed’s pool rule; one user per server', async () => {
    const [a, b] = [await t.seed.user(), await t.seed.user()]
    const pooled = await server(true)
    const loose = await server(false)
    for (const permissions of [['servers_modify'], ['users_modify']] as const) {
      expect(
        (await t.api('assign_user_server', body(a.id, pooled), { key: await t.seed.apiKey({ permissions: [...permissions] }) })).status,
      ).toBe(403)
    }
    const noPool = await t.api('assign_user_server', body(a.id, loose), admin)
    expect(noPool.status).toBe(400)
    expect(noPool.body.error_message).toMatch(/Server Pool/)
    expect((await t.api('assign_user_server', body(a.id, pooled), admin)).body.server.assigned_username).toBe(a.username)
    expect((await t.api('assign_user_server', body(a.id, pooled), admin)).status).toBe(200) // again: no change
    expect((await t.api('assign_user_server', body(b.id, pooled), admin)).status).toBe(409)
    expect((await t.api('unassign_user_server', body(b.id, pooled), admin)).status).toBe(409)
    expect((await t.api('unassign_user_server', body(a.id, crypto.randomUUID()), admin)).status).toBe(404)
    expect((await t.api('get_server', { target_server: { server_id: pooled } }, admin)).body.server.assigned_username).toBe(a.username)
    // get_user names the server only to holders of servers_view (Kasm's rule) and to the user themself.
    const read = async (auth: Parameters<typeof t.api>[2]) =>
      (await t.api('get_user', { target_user: { user_id: kid(a.id) } }, auth)).body.user
    expect(await read({ key: await t.seed.apiKey({ permissions: ['users_view'] }) })).not.toHaveProperty('assigned_servers')
    expect((await read({ key: await t.seed.apiKey({ permissions: ['users_view', 'servers_view'] }) })).assigned_servers).toEqual([pooled])
    expect((await read({ token: await t.seed.tokenFor(a.id) })).assigned_servers).toEqual([pooled])
    expect((await t.api('unassign_user_server', body(a.id, pooled), admin)).body.server.assigned_username).toBe(null)
  })
})

describe('get_image and get_users_group', () => {
  it('get_image: images_view reads any workspace in full; a user only one they may launch, in the launcher view', async () => {
    const g = await t.seed.group()
    const mine = await t.seed.image({ runConfig: { hostname: 'h' } })
    const other = await t.seed.image()
    await t.seed.permitImage(g.id, mine.id)
    const u = await t.seed.user({ groups: [g.name] })
    const token = await t.seed.tokenFor(u.id)
    const seen = await t.api('get_image', { target_image: { image_id: kid(mine.id) } }, { token })
    expect(seen.status).toBe(200)
    expect(seen.body.image.image_id).toBe(kid(mine.id))
    expect(seen.body.image).not.toHaveProperty('run_config')
    expect((await t.api('get_image', { target_image: { image_id: kid(other.id) } }, { token })).status).toBe(404)
    expect((await t.api('get_image', { target_image: { image_id: kid(other.id) } }, admin)).body.image).toMatchObject({
      image_id: kid(other.id),
      name: 'oriel/desktop:1.0',
    })
    expect((await t.api('get_image', { target_image: { image_id: kid(mine.id) } }, admin)).body.image.run_config).toEqual({ hostname: 'h' })
  })

  it('get_users_group needs groups_view and users_view', async () => {
    const g = await t.seed.group()
    expect(
      (
        await t.api(
          'get_users_group',
          { target_group: { group_id: kid(g.id) } },
          { key: await t.seed.apiKey({ permissions: ['groups_view'] }) },
        )
      ).status,
    ).toBe(403)
    expect(
      (
        await t.api(
          'get_users_group',
          { target_group: { group_id: kid(g.id) } },
          { key: await t.seed.apiKey({ permissions: ['groups_view', 'users_view'] }) },
        )
      ).status,
    ).toBe(200)
    expect((await t.api('get_users_group', { target_group: { group_id: crypto.randomUUID() } }, admin)).status).toBe(404)
  })
})

describe('get_kasm_status’s deep link', () => {
  it('only for the owner or a caller who may sign in as them; sessions_view alone sees no link and rotates nothing', async () => {
    const image = await t.seed.image()
    const owner = await t.seed.user()
    const boss = await t.seed.user({ groups: ['Administrators'] })
    const kasm = await t.seed.kasm(owner.id, image.id)
    const bossKasm = await t.seed.kasm(boss.id, image.id)
    const hash = async (id: string) =>
      ((await t.db.execute(sql`select session_token_hash as h from kasms where id = ${id}`)) as unknown as { rows: { h: string | null }[] })
        .rows[0]!.h
    const viewer = await t.seed.apiKey({ permissions: ['sessions_view'] })
    const before = await hash(kasm.id)
    const seen = await t.api('get_kasm_status', { kasm_id: kid(kasm.id) }, { key: viewer })
    expect(seen.status).toBe(200)
    expect(seen.body).not.toHaveProperty('kasm_url')
    expect(await hash(kasm.id)).toBe(before)
    const actor = await t.seed.apiKey({ permissions: ['sessions_view', 'user', 'users_auth_session'] })
    expect((await t.api('get_kasm_status', { kasm_id: kid(kasm.id), user_id: kid(owner.id) }, { key: actor })).body.kasm_url).toMatch(
      /^\/#\/connect\/kasm\//,
    )
    expect(await hash(kasm.id)).not.toBe(before)
    // A Global Admin's session: a link would sign in as them, which takes users_modify_admin too.
    expect((await t.api('get_kasm_status', { kasm_id: kid(bossKasm.id), user_id: kid(boss.id) }, { key: actor })).body).not.toHaveProperty(
      'kasm_url',
    )
    expect((await t.api('get_kasm_status', { kasm_id: kid(kasm.id) }, { token: await t.seed.tokenFor(owner.id) })).body.kasm_url).toMatch(
      /^\/#\/connect\/kasm\//,
    )
  })
})

describe('Kasm’s contact fields', () => {
  it('are set and shown; an e-mail that is not one is refused, naming it, and changes nothing', async () => {
    const u = await t.seed.user()
    const ok = await t.api('update_user', { target_user: { user_id: kid(u.id), email: 'a@example.com', state: 'Ohio' } }, admin)
    expect(ok.body.user).toMatchObject({ email: 'a@example.com', state: 'Ohio', city: null })
    const before = await t.counts()
    const bad = await t.api('update_user', { target_user: { user_id: kid(u.id), email: 'not an address' } }, admin)
    expect([bad.status, bad.body.field]).toEqual([400, 'target_user.email'])
    expect(await t.counts()).toEqual(before)
    expect((await t.api('get_user', { target_user: { user_id: kid(u.id) } }, admin)).body.user.email).toBe('a@example.com')
  })
})
