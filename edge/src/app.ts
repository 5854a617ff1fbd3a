import { Hono } from 'hono'
import type { MakeDeps } from './deps'
import type { AppEnv } from './env'
import { ApiError, handleError } from './errors'
import { openApiDocument } from './openapi'
import { refuseMisconfigured, type Misconfigured } from './middleware/configured'
import { provideDeps } from './middleware/deps'
import { requestId } from './middleware/request-id'
import { agentApi } from './routes/agent/index'
import { healthApi } from './routes/health'
import { proxyApi } from './routes/proxy/index'
import { publicApi } from './routes/public/index'
import type { ClientAddress, ClientHttps } from './routes/public/auth'

export type AppOptions = {
  makeDeps: MakeDeps
  /**
   * Where the client's address comes from: CF-Connecting-IP on Workers; on Node the socket, or
   * X-Forwarded-For when the socket is a trusted proxy. Sign-in failures are counted against it.
   */
  clientAddress: ClientAddress
  /** Whether the client's connection is https (the session cookie's Secure); the request URL's scheme by default. */
  clientHttps?: ClientHttps
  /** How sign-ins to an account under repeated failures wait (at most a few seconds); a timer by default. */
  signInWait?: (ms: number) => Promise<void>
  /** A configuration problem that makes every request a 503 naming it (Workers, whose secrets are read per isolate). */
  misconfigured?: Misconfigured
}

/** The whole edge: the same app on Workers and on Node. */
export function createApp({ makeDeps, clientAddress, clientHttps, signInWait, misconfigured }: AppOptions) {
  const verbs = publicApi({ clientAddress, clientHttps, wait: signInWait })
  let document: object | undefined
  const app = new Hono<AppEnv>()
    .use(requestId(), refuseMisconfigured(misconfigured), provideDeps(makeDeps))
    .route('/api', healthApi)
    .route('/api/public', verbs)
    // Kasm guarantees its UI's /api/admin/<verb> and /api/public/<verb> are one API (Kasm's docs: its
    // knowledge-base article on calling the UI's endpoints with an API key).
    .route('/api/admin', verbs)
    .route('/api/agent', agentApi)
    .route('/api/proxy', proxyApi)
    .notFound((c) => handleError(new ApiError('not_found', 'No such API endpoint'), c))
    .onError((err, c) => handleError(err, c, c.var.deps?.log))
  // Built from the routes above on first request (a few ms), then kept.
  return app.get('/api/openapi.json', (c) => c.json((document ??= openApiDocument(app.routes))))
}
export type App = ReturnType<typeof createApp>
