// A query that fails still keeps its parameters out of the log: drizzle's error message carries them
// (password hashes, API key digests, whatever the request sent). Postgres is made to refuse an
// insert with a trigger, the request carries canary values, and no log line may show them.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../../edge/src/log'
import { TEST_PASSWORD } from '../../support/builders'
import { useTestContext } from '../../support/context'

const lines: string[] = []
const capture =
  (level: string) =>
  (msg: string, fields: Record<string, unknown> = {}) =>
    void lines.push(JSON.stringify({ level, msg, ...fields }))
const log: Logger = { info: capture('info'), warn: capture('warn'), error: capture('error') }
const { t, admin } = useTestContext({ log })

const CANARY = 'canary7f3a'
const SHA256_HEX = /[0-9a-f]{64}/

/** Everything logged while `run` ran: our logger's lines and anything written to the console. */
async function logged(run: () => Promise<void>): Promise<string> {
  lines.length = 0
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
  )
  try {
    await run()
  } finally {
    for (const s of spies) s.mockRestore()
  }
  return lines.join('\n')
}

/** Makes Postgres refuse every insert into `table` with this SQLSTATE. */
async function refuseInserts(table: string, sqlstate: string) {
  await t.db.execute(`create or replace function oriel_test_refuse() returns trigger language plpgsql as $$
    begin raise exception 'refused by test' using errcode = '${sqlstate}'; end $$`)
  await t.db.execute(`create trigger oriel_test_refuse before insert on ${table} for each row execute function oriel_test_refuse()`)
  return table
}
let refused: string | null = null
afterEach(async () => {
  if (refused) await t.db.execute(`drop trigger if exists oriel_test_refuse on ${refused}`)
  refused = null
})

describe('a failed query in the log', () => {
  it('create_user: 500, the line names the request and the Postgres code, not the username or the password hash', async () => {
    refused = await refuseInserts('users', 'XX000')
    let status = 0
    const out = await logged(async () => {
      const res = await t.api('create_user', { target_user: { username: `${CANARY}@example.com`, password: `${CANARY}-password` } }, admin)
      status = res.status
      expect(res.body.error_message).toBe('Internal error')
    })
    expect(status).toBe(500)
    expect(out).toContain('"code":"XX000"')
    expect(out).toContain('request_id')
    expect(out).not.toContain(CANARY)
    expect(out).not.toMatch(/pbkdf2/i)
    expect(out).not.toMatch(SHA256_HEX)
  })

  it('create_api_key: the key and its secret’s digest stay out of the log', async () => {
    refused = await refuseInserts('api_keys', 'XX000')
    const out = await logged(async () => {
      expect((await t.api('create_api_key', { target_api_key: { name: `${CANARY} key` } }, admin)).status).toBe(500)
    })
    expect(out).toContain('unhandled error')
    expect(out).not.toContain(CANARY)
    expect(out).not.toMatch(SHA256_HEX)
  })

  it('login: a refused sign-in session is 400 (a value Postgres refuses), logged without the client’s text', async () => {
    const user = await t.seed.user({ password: true })
    refused = await refuseInserts('auth_sessions', '22023')
    const out = await logged(async () => {
      const res = await t.app.request('/api/public/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': `${CANARY}-agent` },
        body: JSON.stringify({ username: user.username, password: TEST_PASSWORD }),
      })
      expect(res.status).toBe(400)
    })
    expect(out).toContain('"code":"22023"')
    expect(out).not.toContain(CANARY)
    expect(out).not.toContain(user.username)
    expect(out).not.toContain(TEST_PASSWORD)
  })
})
