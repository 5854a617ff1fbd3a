import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from './tests/support/constants.ts'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const nodeDb = { '#test-db': here('./tests/support/db.node.ts') }
/** The API suite: it runs on PGlite, on a real Postgres, and inside workerd through the Neon driver. */
const API_TESTS = ['tests/edge/api/**/*.test.ts']

export default defineConfig({
  test: {
    globalSetup: ['./tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        resolve: { alias: nodeDb },
        test: {
          name: 'pglite',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/workerd/**', 'tests/agent/**', 'tests/e2e/**', 'tests/conn-proxy/**'],
          env: { ORIEL_TEST_DB: 'pglite' },
        },
      },
      {
        // The agent and the whole platform against real components: Docker engine, the reference image,
        // Xvnc, iptables, Chromium, guacd (tests/conn-proxy; tests/e2e: end to end and the dashboard in a browser).
        extends: true,
        resolve: { alias: nodeDb },
        test: {
          name: 'agent',
          include: ['tests/agent/**/*.test.ts', 'tests/conn-proxy/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          env: { ORIEL_TEST_DB: 'pglite' },
          testTimeout: 180_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          // A browser page waits on the edge, which hashes passwords (600,000 PBKDF2 rounds) on a shared
          // 2-core machine: vitest's 1 s default for expect.poll failed a sign-in check on a loaded run.
          expect: { poll: { timeout: 15_000 } },
        },
      },
      {
        extends: true,
        resolve: { alias: nodeDb },
        test: { name: 'postgres', include: API_TESTS, env: { ORIEL_TEST_DB: 'postgres' } },
      },
      {
        extends: true,
        resolve: { alias: { '#test-db': here('./tests/support/db.workerd.ts') } },
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                PG_BASE_URL: inject('pgBaseUrl'),
                WS_PROXY: `127.0.0.1:${inject('wsProxyPort')}`,
                DATABASE_URL: inject('pgBaseUrl').replace(/\/[^/]*$/, '/oriel_worker'),
                SESSION_SECRET: TEST_SESSION_SECRET,
                EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY,
                SECRETS_KEY: TEST_SECRETS_KEY,
              },
            },
          })),
        ],
        test: { name: 'workerd', include: [...API_TESTS, 'tests/workerd/**/*.test.ts'] },
      },
    ],
  },
})
