// One real Xvnc and one relay in front of it for a test file; clients the file opens are closed after.
import { afterAll, beforeAll } from 'vitest'
import type { RfbTestClient } from '../../../support/rfb/client'
import { startRelayServer, type RelayServer } from './relay-server'
import { startXvnc, type Xvnc, type XvncOptions } from './xvnc'

export function useRelayFixture(password: string, xvncOptions?: XvncOptions) {
  const xvnc = {} as Xvnc
  const relay = {} as RelayServer
  const clients: RfbTestClient[] = []
  beforeAll(async () => {
    Object.assign(xvnc, await startXvnc(password, xvncOptions))
    Object.assign(relay, await startRelayServer(xvnc.port, password))
  })
  afterAll(async () => {
    for (const c of clients) c.close()
    await relay.close?.()
    await xvnc.stop?.()
  })
  return { xvnc, relay, clients }
}
