import { Hono } from 'hono'
import type { MakeDeps } from './deps'
import type { AppEnv } from './env'
import { ApiError, handleError } from './errors'
import { provideDeps } from './middleware/deps'
import { requestId } from './middleware/request-id'
import { agentApi } from './routes/agent/index'
import { healthApi } from './routes/health'
import { publicApi } from './routes/public/index'
import type { ClientAddress } from './routes/public/auth'

export type AppOptions = {
  makeDeps: MakeDeps
  /** Where the client's address comes from: CF-Connecting-IP on Workers, the socket on Node. */
  clientAddress: ClientAddress
}

/** The whole edge: the same app on Workers and on Node. */
export function createApp({ makeDeps, clientAddress }: AppOptions) {
  return new Hono<AppEnv>()
    .use(requestId(), provideDeps(makeDeps))
    .route('/api', healthApi)
    .route('/api/public', publicApi(clientAddress))
    .route('/api/agent', agentApi)
    .notFound((c) => handleError(new ApiError('not_found', 'No such API endpoint'), c))
    .onError((err, c) => handleError(err, c, c.var.deps?.log))
}
export type App = ReturnType<typeof createApp>
