import { Hono } from 'hono'
import { expect, it } from 'vitest'
import { handleError } from '../../edge/src/errors'

it('an unexpected error answers 500 without its message, and the log line leaves the message out too', async () => {
  const logged: Record<string, unknown>[] = []
  const app = new Hono()
    .get('/boom', () => {
      throw new Error('Failed query: insert into users … params: pbkdf2-sha256$600000$c2FsdA==$aGFzaA==')
    })
    .onError((err, c) => handleError(err, c, { error: (_m: string, f: Record<string, unknown>) => void logged.push(f) }))
  const res = await app.request('/boom')
  expect(res.status).toBe(500)
  const body = await res.text()
  expect(body).toContain('Internal error')
  expect(body).not.toContain('pbkdf2')
  expect(JSON.stringify(logged)).not.toContain('pbkdf2')
  expect(logged[0]!.frames).toBeInstanceOf(Array)
})
