import { describe, expect, it } from 'vitest'
import { findBadValue, MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../../../edge/src/middleware/body-check'
import { useTestContext } from '../../support/context'

const { t, admin } = useTestContext()

describe('findBadValue', () => {
  it('names the first value no verb can take, with its path', () => {
    expect(findBadValue({ a: { b: ['ok', 'x\u0000y'] } })).toEqual({ path: 'a.b.1', problem: 'must not contain a NUL character (\\u0000)' })
    expect(findBadValue({ name: 'a\ud800' })?.path).toBe('name')
    expect(findBadValue({ name: '\udc00' })?.problem).toMatch(/lone surrogate/)
    expect(findBadValue({ n: Number.POSITIVE_INFINITY })).toEqual({ path: 'n', problem: 'must be a finite number' })
    expect(findBadValue({ target: { 'k\u0000': 1 } })).toEqual({
      path: 'target',
      problem: 'has a field name that must not contain a NUL character (\\u0000)',
    })
    const deep = JSON.parse('{"x":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}')
    expect(findBadValue(deep)?.problem).toBe(`is nested too deeply (more than ${MAX_JSON_DEPTH} levels)`)
  })

  it('passes what verbs do take: emoji (surrogate pairs), empty text, numbers, nulls, modest nesting', () => {
    expect(findBadValue({ a: '😀 é', b: '', c: -0, d: 1e308, e: null, f: [[[{ g: true }]]], constructor: 1 })).toBeNull()
  })
})

describe('the body check on the API', () => {
  it('refuses a body over the limit with 413 before any verb runs, declared or streamed', async () => {
    const big = JSON.stringify({ target_user: { user_id: 'x' }, pad: 'x'.repeat(MAX_BODY_BYTES) })
    for (const headers of [{ 'Content-Length': String(big.length) }, {}] as Record<string, string>[]) {
      const res = await t.app.request('/api/public/get_user', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}`, ...headers },
        body: big,
      })
      expect(res.status).toBe(413)
      expect(((await res.json()) as { error_message: string }).error_message).toMatch(/too large/)
    }
  })

  it('lets the server import take more (up to 32 MiB): a 1.5 MiB file is read and judged, a 33 MiB one is not', async () => {
    const post = (csv: string) =>
      t.app.request('/api/public/batch_create_server', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ csv }),
      })
    const judged = await post(`name,shoe_size\n${'a,1\n'.repeat(400_000)}`)
    expect(judged.status).toBe(400)
    expect(((await judged.json()) as { error_message: string }).error_message).not.toMatch(/too large/)
    expect((await post('x'.repeat(33 * 1024 * 1024))).status).toBe(413)
  })

  it('refuses NUL in login before Postgres sees it, naming the field; nothing is counted', async () => {
    const before = await t.counts()
    const res = await t.api('login', { username: '\u0000', password: 'x' })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ field: 'username', error_message: 'Invalid username: must not contain a NUL character (\\u0000)' })
    expect(await t.counts()).toEqual(before)
  })
})
