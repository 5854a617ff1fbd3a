import { createMiddleware } from 'hono/factory'
import type { MakeDeps } from '../deps'
import type { AppEnv } from '../env'
import { withFields } from '#schema'
import { errorFields } from '../log'

/** Builds the request's dependencies and releases them once the response is done. */
export const provideDeps = (makeDeps: MakeDeps) =>
  createMiddleware<AppEnv>(async function provideDeps(c, next) {
    // Asked for only on Workers (where there is a pool to release): on Node, Hono's getter throws,
    // and building that error on every request cost measurable CPU in the benchmark.
    const made = makeDeps(c.env)
    const { release } = made
    // Every line logged for this request names it, as the response's X-Request-Id does.
    const deps = { ...made.deps, log: withFields(made.deps.log, { request_id: c.get('requestId') }) }
    const defer = (work: Promise<unknown>) => {
      const ctx = safeExecutionCtx(c)
      const logged = work.catch((err: unknown) => deps.log.warn('deferred work failed', errorFields(err)))
      if (ctx) ctx.waitUntil(logged)
    }
    c.set('deps', { ...deps, defer })
    try {
      await next()
    } finally {
      if (release) {
        const ctx = safeExecutionCtx(c)
        const done = release()
        if (ctx) ctx.waitUntil(done)
        else await done
      }
    }
  })

// Hono throws when asked for an execution context on Node, where there is none.
function safeExecutionCtx(c: { executionCtx: unknown }): ExecutionContext | undefined {
  try {
    return c.executionCtx as ExecutionContext
  } catch {
    return undefined
  }
}
