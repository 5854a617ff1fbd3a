import { describe, expect, it } from 'vitest'
import { useTestContext } from '../../support/context'

const { t, admin } = useTestContext()

const desktop = {
  friendly_name: 'Debian Desktop',
  name: 'oriel/desktop:1.0',
  description: 'XFCE with a terminal',
  categories: ['Desktop'],
  cores: 2,
  memory: 2_768_000_000,
  run_config: { cap_add: ['NET_ADMIN'], devices: ['/dev/net/tun:/dev/net/tun'], sysctls: { 'net.ipv6.conf.all.disable_ipv6': '0' } },
  persistent_profile_path: '/mnt/kasm_profiles/{username}',
  volume_mappings: { '/srv/shared-data': { bind: '/home/kasm-user/shared', mode: 'ro' } },
}

describe('workspaces', () => {
  it('creates, reads back, updates and deletes a Container workspace', async () => {
    const made = await t.api('create_image', { target_image: desktop }, admin)
    expect(made.status).toBe(200)
    expect(made.body.image).toMatchObject({ ...desktop, image_type: 'Container', enabled: true, gpu_count: 0 })
    const id = made.body.image.image_id
    const upd = await t.api('update_image', { target_image: { image_id: id, cores: 4, enabled: false } }, admin)
    expect(upd.body.image).toMatchObject({ cores: 4, enabled: false, friendly_name: 'Debian Desktop' })
    const all = await t.api('get_images', {}, admin)
    expect(all.body.images.find((i: { image_id: string }) => i.image_id === id).cores).toBe(4)
    expect((await t.api('delete_image', { target_image: { image_id: id } }, admin)).status).toBe(200)
    expect((await t.api('update_image', { target_image: { image_id: id, cores: 1 } }, admin)).status).toBe(404)
  })

  it('refuses an unknown Docker Run Config key, naming it, and changes nothing', async () => {
    const before = await t.counts()
    const res = await t.api('create_image', { target_image: { ...desktop, run_config: { cap_add: [], network_mode: 'host' } } }, admin)
    expect(res.status).toBe(400)
    expect(res.body.field).toBe('target_image.run_config.network_mode')
    expect(res.body.error_message).toBe('Invalid target_image.run_config.network_mode: is not a known field')
    // The same key sent as Kasm's JSON text is refused the same way.
    const asText = await t.api(
      'create_image',
      { target_image: { ...desktop, run_config: JSON.stringify({ network_mode: 'host' }) } },
      admin,
    )
    expect([asText.status, asText.body.field]).toEqual([400, 'target_image.run_config.network_mode'])
    expect(await t.counts()).toEqual(before)
  })

  it('refuses what a workspace cannot be: no tag, a Link without URL, a bad profile path, a missing zone', async () => {
    const before = await t.counts()
    const cases: [Record<string, unknown>, string, number][] = [
      [{ ...desktop, name: 'oriel/desktop' }, 'target_image.name', 400],
      [{ friendly_name: 'Docs', image_type: 'Link' }, 'target_image.link_url', 400],
      [{ friendly_name: 'Bare', image_type: 'Container' }, 'target_image.name', 400],
      [{ ...desktop, persistent_profile_path: '/p/{home}' }, 'target_image.persistent_profile_path', 400],
      [{ ...desktop, memory: 1024 }, 'target_image.memory', 400],
      [{ ...desktop, zone_id: crypto.randomUUID() }, 'target_image.zone_id', 404],
      [{ ...desktop, restrict_to_zone: true }, 'target_image.zone_id', 400],
    ]
    for (const [target_image, field, status] of cases) {
      const res = await t.api('create_image', { target_image }, admin)
      expect([res.status, res.body.field], JSON.stringify(target_image)).toEqual([status, field])
    }
    expect(await t.counts()).toEqual(before)
  })

  it('a user sees only enabled, permitted workspaces, without admin-only fields', async () => {
    const g = await t.seed.group()
    const shown = await t.seed.image({ friendlyName: 'Shown', runConfig: { environment: { TOKEN: 'host-secret' } } })
    const off = await t.seed.image({ friendlyName: 'Off', enabled: false })
    await t.seed.image({ friendlyName: 'Not permitted' })
    await t.seed.permitImage(g.id, shown.id)
    await t.seed.permitImage(g.id, off.id)
    const u = await t.seed.user({ groups: [g.name] })
    const res = await t.api('get_images', {}, { token: await t.seed.tokenFor(u.id) })
    expect(res.body.images.map((i: { friendly_name: string }) => i.friendly_name)).toEqual(['Shown'])
    expect(res.body.images[0].run_config).toBeUndefined()
    expect(JSON.stringify(res.body)).not.toContain('host-secret')
  })

  it('needs images_create / modify / delete; a key without images_view cannot list', async () => {
    const img = await t.seed.image()
    const me = await t.seed.plainUser()
    const before = await t.counts()
    expect((await t.api('create_image', { target_image: desktop }, me)).status).toBe(403)
    expect((await t.api('update_image', { target_image: { image_id: img.id, cores: 8 } }, me)).status).toBe(403)
    expect((await t.api('delete_image', { target_image: { image_id: img.id } }, me)).status).toBe(403)
    expect(await t.counts()).toEqual(before)
    const key = await t.seed.apiKey({ permissions: ['users_view'] })
    expect((await t.api('get_images', {}, { key })).status).toBe(403)
    const viewer = await t.seed.apiKey({ permissions: ['images_view'] })
    expect((await t.api('get_images', {}, { key: viewer })).body.images.length).toBeGreaterThan(0)
  })

  it('refuses to delete a workspace with live sessions', async () => {
    const img = await t.seed.image()
    const u = await t.seed.user()
    await t.seed.kasm(u.id, img.id)
    const res = await t.api('delete_image', { target_image: { image_id: img.id } }, admin)
    expect(res.status).toBe(409)
    expect(
      (await t.api('get_images', {}, admin)).body.images.some((i: { image_id: string }) => i.image_id === img.id.replaceAll('-', '')),
    ).toBe(true)
  })
})

describe('Docker Run Config list forms', () => {
  it('keeps environment, tmpfs, extra_hosts and volumes given as lists as lists', async () => {
    const run_config = { environment: ['A=1', 'B=2'], tmpfs: ['/run'], extra_hosts: ['db:10.0.0.1'], volumes: ['/srv/a:/a:ro'] }
    const res = await t.api('create_image', { target_image: { friendly_name: 'Lists', name: 'oriel/desktop:1.0', run_config } }, admin)
    expect(res.status).toBe(200)
    expect(res.body.image.run_config).toEqual(run_config)
  })
})

describe('registry credentials', () => {
  it('are write-only, encrypted at rest, and removable', async () => {
    const { sql } = await import('drizzle-orm')
    const made = await t.api(
      'create_image',
      {
        target_image: {
          friendly_name: 'Private',
          name: 'registry.example.com/team/desktop:2',
          docker_registry: 'registry.example.com',
          docker_user: 'puller',
          docker_password: 'hunter2-registry',
        },
      },
      admin,
    )
    expect(made.status).toBe(200)
    expect(made.body.image).toMatchObject({ docker_user: 'puller', docker_password_set: true })
    expect(JSON.stringify(made.body)).not.toContain('hunter2')
    expect(JSON.stringify((await t.api('get_images', {}, admin)).body)).not.toContain('hunter2')
    const id = made.body.image.image_id.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')
    const row = (await t.db.execute(sql`select docker_password_enc from images where id = ${id}`)) as unknown as {
      rows: { docker_password_enc: string }[]
    }
    expect(row.rows[0]!.docker_password_enc).toMatch(/^v1:test1:/)
    expect(row.rows[0]!.docker_password_enc).not.toContain('hunter2')
    const cleared = await t.api('update_image', { target_image: { image_id: made.body.image.image_id, docker_password: null } }, admin)
    expect(cleared.body.image.docker_password_set).toBe(false)
  })
})
