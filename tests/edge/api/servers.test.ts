import { describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { isForeignKeyViolation } from '../../../edge/src/services/ids'
import { useTestContext } from '../../support/context'
import { ENCRYPTED_RSA_KEY, ENCRYPTED_RSA_PASSPHRASE, PLAIN_RSA_KEY } from '../../fixtures/ssh-keys'

const { t, admin } = useTestContext()
const ssh = {
  name: 'bastion',
  zone_name: 'default',
  connection_type: 'SSH',
  connection_credential_type: 'STATIC',
  ip_hostname: 'ssh.example',
  port: 22,
}
const create = (fields: Record<string, unknown>, auth: Parameters<typeof t.api>[2] = admin) =>
  t.api('create_server', { target_server: fields }, auth)

describe('servers', () => {
  it('creates, reads, updates and deletes a server; secrets are stored encrypted and never returned', async () => {
    const made = await create({
      ...ssh,
      connection_username: 'ops',
      private_key: ENCRYPTED_RSA_KEY,
      passphrase: ENCRYPTED_RSA_PASSPHRASE,
      labels: 'linux, prod',
    })
    expect(made.status, JSON.stringify(made.body)).toBe(200)
    const id = made.body.server.server_id
    expect(made.body.server).toMatchObject({
      name: 'bastion',
      port: 22,
      connection_username: 'ops',
      private_key_set: true,
      passphrase_set: true,
      connection_password_set: false,
      labels: ['linux', 'prod'],
      enabled: true,
    })
    const [stored] = (
      (await t.db.execute(sql`select private_key_enc, passphrase_enc from servers where name = 'bastion'`)) as unknown as {
        rows: { private_key_enc: string; passphrase_enc: string }[]
      }
    ).rows
    expect(stored!.private_key_enc).toMatch(/^v1:/)
    expect(stored!.private_key_enc).not.toContain('PRIVATE KEY')
    expect(stored!.passphrase_enc).not.toContain(ENCRYPTED_RSA_PASSPHRASE)

    const got = await t.api('get_server', { target_server: { server_id: id } }, admin)
    expect(got.body.server).toEqual(made.body.server)
    // A partial update is checked against the stored server: the key stays, the passphrase is re-checked.
    const wrong = await t.api('update_server', { target_server: { server_id: id, passphrase: 'not it' } }, admin)
    expect([wrong.status, wrong.body.error_message]).toEqual([
      400,
      'Invalid server: (passphrase) Invalid passphrase [Passphrase does not decrypt the private key]',
    ])
    const upd = await t.api('update_server', { target_server: { server_id: id, port: '2222', enabled: false } }, admin)
    expect(upd.body.server).toMatchObject({ port: 2222, enabled: false, private_key_set: true, passphrase_set: true })
    const cleared = await t.api('update_server', { target_server: { server_id: id, private_key: PLAIN_RSA_KEY, passphrase: null } }, admin)
    expect(cleared.body.server).toMatchObject({ private_key_set: true, passphrase_set: false })
    for (const body of [made.body, got.body, upd.body, cleared.body, (await t.api('get_servers', {}, admin)).body]) {
      const text = JSON.stringify(body)
      expect(text).not.toContain('PRIVATE KEY')
      expect(text).not.toContain(ENCRYPTED_RSA_PASSPHRASE)
    }
    expect((await t.api('delete_server', { target_server: { server_id: id } }, admin)).status).toBe(200)
    expect((await t.api('get_server', { target_server: { server_id: id } }, admin)).status).toBe(404)
    expect((await t.api('delete_server', { target_server: { server_id: id } }, admin)).status).toBe(404)
  })

  it('refuses a bad server with every problem named, changing nothing', async () => {
    const before = await t.counts()
    const res = await create({ ...ssh, connection_type: 'VNC', connection_credential_type: 'SSO_USERNAME', zone_name: 'mars', port: -1 })
    expect(res.status).toBe(400)
    expect(res.body.error_message).toBe(
      'Invalid server: (zone_name) Required resource does not exist [Zone(mars) does not exist]; (port) Value is too small [Input should be greater than or equal to 0]; (connection_type, connection_credential_type) Invalid combination [VNC connections only support STATIC credentials]',
    )
    expect(res.body.field).toBe('target_server.zone_name')
    expect(Object.keys(res.body.issues)).toEqual([
      'target_server.zone_name',
      'target_server.port',
      'target_server.connection_type, connection_credential_type',
    ])
    const key = await create({ ...ssh, private_key: 'not a key' })
    expect(key.body.error_message).toBe(
      'Invalid server: (private_key) Invalid private key [Key must be an OpenSSH or RSA PKCS#1/PKCS#8 PEM private key]',
    )
    expect(await t.counts()).toEqual(before)
  })

  it('keeps a server that a workspace uses', async () => {
    const id = (await create({ ...ssh, name: 'in use' })).body.server.server_id
    const missing = await t.api(
      'create_image',
      { target_image: { friendly_name: 'Bastion', image_type: 'Server', server_id: '0'.repeat(32) } },
      admin,
    )
    expect([missing.status, missing.body.error_message, missing.body.field]).toEqual([
      404,
      'Server does not exist',
      'target_image.server_id',
    ])
    const ws = await t.api('create_image', { target_image: { friendly_name: 'Bastion', image_type: 'Server', server_id: id } }, admin)
    expect([ws.status, ws.body.image.server_id]).toEqual([200, id])
    const res = await t.api('delete_server', { target_server: { server_id: id } }, admin)
    expect([res.status, res.body.error_message]).toEqual([409, `Server ${id} is used by a workspace; change or delete the workspace first`])
  })

  it('keeps a zone that servers are in, and refuses a server in a zone that is gone', async () => {
    const zone = (await t.api('create_zone', { target_zone: { zone_name: 'lab' } }, admin)).body.zone
    const made = await create({ ...ssh, name: 'lab box', zone_name: 'lab' })
    expect([made.status, made.body.server.zone_name]).toEqual([200, 'lab'])
    const refused = await t.api('delete_zone', { target_zone: { zone_id: zone.zone_id } }, admin)
    expect([refused.status, refused.body.error_message]).toEqual([409, 'Zone lab still has servers; move or delete them first'])
    expect((await t.api('get_zones', {}, admin)).body.zones.map((z: { zone_name: string }) => z.zone_name)).toContain('lab')
    // Below the API (as a row written between a check and its insert would be): the database refuses
    // a server whose zone does not exist, on insert and on update, whatever the number of rows.
    const count = await t.counts()
    const gone = '00000000-0000-4000-8000-000000000000'
    const insert = t.db.execute(
      sql`insert into servers (name, zone_id, connection_type, credential_type, host, port) select 'x' || n, ${gone}::uuid, 'SSH', 'STATIC', 'h', 22 from generate_series(1, 3) n`,
    )
    const refusedByKey = (p: Promise<unknown>) =>
      p.then(
        () => 'written',
        (e) => isForeignKeyViolation(e),
      )
    expect(await refusedByKey(insert)).toBe(true)
    expect(await refusedByKey(t.db.execute(sql`update servers set zone_id = ${gone}::uuid`))).toBe(true)
    expect(await refusedByKey(t.db.execute(sql`delete from zones where name = 'lab'`))).toBe(true)
    expect(await t.counts()).toEqual(count)
    expect((await t.api('delete_server', { target_server: { server_id: made.body.server.server_id } }, admin)).status).toBe(200)
    expect((await t.api('delete_zone', { target_zone: { zone_id: zone.zone_id } }, admin)).status).toBe(200)
  })

  it('needs the servers_* permissions, checked before the server is looked up', async () => {
    const me = await t.seed.plainUser()
    const id = (await create({ ...ssh, name: 'guarded' })).body.server.server_id
    const viewer = await t.seed.apiKey({ permissions: ['servers_view'] })
    const before = await t.counts()
    const missing = '00000000000000000000000000000000'
    for (const [verb, body] of [
      ['get_servers', {}],
      ['get_server', { target_server: { server_id: missing } }],
      ['create_server', { target_server: ssh }],
      ['update_server', { target_server: { server_id: id, port: 23 } }],
      ['delete_server', { target_server: { server_id: id } }],
      ['get_server_pools', {}],
      ['create_server_pool', { target_server_pool: { server_pool_name: 'p' } }],
    ] as const)
      expect((await t.api(verb, body, me)).status, verb).toBe(403)
    expect((await t.api('get_server', { target_server: { server_id: id } }, { key: viewer })).status).toBe(200)
    expect((await t.api('update_server', { target_server: { server_id: id, port: 23 } }, { key: viewer })).status).toBe(403)
    expect((await t.api('delete_server', { target_server: { server_id: id } }, { key: viewer })).status).toBe(403)
    expect(await t.counts()).toEqual(before)
  })
})

describe('server pools', () => {
  it('creates, lists, renames and deletes pools; a pool with servers is kept', async () => {
    const made = await t.api(
      'create_server_pool',
      { target_server_pool: { server_pool_name: 'Windows', server_pool_type: 'Server' } },
      admin,
    )
    expect(made.body.server_pool).toMatchObject({ server_pool_name: 'Windows', server_pool_type: 'Server', server_count: 0 })
    const pid = made.body.server_pool.server_pool_id
    expect((await t.api('create_server_pool', { target_server_pool: { server_pool_name: 'Windows' } }, admin)).status).toBe(409)
    const bad = await t.api('create_server_pool', { target_server_pool: { server_pool_name: 'x', server_pool_type: 'Cloud' } }, admin)
    expect([bad.status, bad.body.field]).toEqual([400, 'target_server_pool.server_pool_type'])
    const user = await t.seed.user({ username: 'assigned@example.com' })
    const server = await create({ ...ssh, name: 'pooled', pool_id: pid, assigned_username: user.username })
    expect(server.body.server).toMatchObject({ pool_id: pid, pool_name: 'Windows', assigned_username: 'assigned@example.com' })
    const list = (await t.api('get_server_pools', {}, admin)).body.server_pools
    expect(list.find((p: { server_pool_id: string }) => p.server_pool_id === pid).server_count).toBe(1)
    const retype = await t.api(
      'update_server_pool',
      { target_server_pool: { server_pool_id: pid, server_pool_type: 'Docker Agent' } },
      admin,
    )
    expect([retype.status, retype.body.error_message]).toEqual([409, 'The type of a pool that has servers cannot change'])
    expect(
      (await t.api('update_server_pool', { target_server_pool: { server_pool_id: pid, server_pool_name: 'Win' } }, admin)).body.server_pool
        .server_pool_name,
    ).toBe('Win')
    expect((await t.api('delete_server_pool', { target_server_pool: { server_pool_id: pid } }, admin)).status).toBe(409)
    await t.api('delete_server', { target_server: { server_id: server.body.server.server_id } }, admin)
    expect((await t.api('delete_server_pool', { target_server_pool: { server_pool_id: pid } }, admin)).status).toBe(200)
    expect((await t.api('delete_server_pool', { target_server_pool: { server_pool_id: pid } }, admin)).status).toBe(404)
  })
})
