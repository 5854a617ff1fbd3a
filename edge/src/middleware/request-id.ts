import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env'

/** Every response names its request, so an error a user reports can be found in the logs. */
export const requestId = () =>
  createMiddleware<AppEnv>(async function requestId(c, next) {
    const id = crypto.randomUUID()
    c.set('requestId', id)
    c.header('X-Request-Id', id)
    await next()
  })
