import { Hono } from 'hono'
import type { AppEnv } from '../../env'
import { authenticateCaller } from '../../middleware/auth'
import { checkRequestBody } from '../../middleware/body-check'
import { agentsApi } from './agents'
import { apiKeysApi } from './api-keys'
import { loginRoute, logoutRoute, type SignInOptions } from './auth'
import { groupsApi } from './groups'
import { imagesApi } from './images'
import { kasmsApi } from './kasms'
import { proxiesApi } from './proxies'
import { serversApi } from './servers'
import { usersApi } from './users'
import { zonesApi } from './zones'

/** Kasm's developer API: every verb is `POST /api/public/<verb>` with a JSON body. */
export const publicApi = (signIn: SignInOptions) =>
  new Hono<AppEnv>()
    // The server import takes a file of up to 10,000 records (Kasm's docs: Servers, Bulk Import), a few MB: 32 MiB leaves room.
    .use(checkRequestBody({ batch_create_server: 32 * 1024 * 1024 }))
    .route('/', loginRoute(signIn))
    .use(authenticateCaller)
    .route('/', logoutRoute)
    .route('/', usersApi)
    .route('/', groupsApi)
    .route('/', imagesApi)
    .route('/', zonesApi)
    .route('/', apiKeysApi)
    .route('/', kasmsApi)
    .route('/', agentsApi)
    .route('/', proxiesApi)
    .route('/', serversApi)
