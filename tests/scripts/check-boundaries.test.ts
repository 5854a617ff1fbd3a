// The boundary lint finds each kind of breach, and the tree as it stands has none.
import { execFileSync } from 'node:child_process'
import { expect, it } from 'vitest'
import { breaches } from '../../scripts/check-boundaries'

const check = (files: Record<string, string>) => breaches(Object.keys(files), (p) => files[p]!)

it('refuses imports across rooms and Node globals in Worker code, and allows the public entries', () => {
  const found = check({
    'agent/src/sessions/x.ts': "import { pollAgent } from '../../../edge/src/services/agents/poll'",
    'edge/src/services/x.ts': "import { createAgent } from '../../../agent/src/agent'\nconst b = Buffer.from('x')",
    'edge/src/routes/y.ts': "import { readFileSync } from 'node:fs'\nimport { users } from '#schema'",
    'edge/dashboard/src/z.tsx': "import { users } from '#schema'\nimport { v } from '../../../schema/src/inputs/users'",
    'edge/src/db/d.ts': "import * as t from '../../../schema/src/tables/index'",
    'bench/b.ts': "import { x } from '../tests/agent/e2e/platform'\nimport { y } from '../tests/support/platform'",
    'schema/src/s.ts': "import type { Deps } from '../../edge/src/deps'",
    'standalone/src/m.ts':
      "import { createAgent } from '../../agent/src/agent'\nimport { createEdgeServer } from '../../edge/src/node/index'\nimport { loadConfig } from '../../agent/src/index'",
    // Allowed: the entries, a comment or a message that names a Node global, Node code on Node.
    'edge/src/ok.ts': "import { users } from '#schema'\n// Buffer.from would not run here\nconst m = 'process.env is Node only'",
    'edge/src/node/ok.ts': "import { readFileSync } from 'node:fs'\nconst b = Buffer.from('x')",
    'edge/dashboard/src/ok.tsx': "import { UserSchema } from '#schema/contracts'",
    'agent/src/ok.ts': "import { loadIdentity } from '#daemon-kit'",
    // The daemon kit: through its entry only, never from the edge, and it depends on no daemon.
    'agent/src/k.ts': "import { loadIdentity } from '../../daemon-kit/src/identity'",
    'edge/src/k.ts': "import { loadIdentity } from '#daemon-kit'",
    'daemon-kit/src/k.ts': "import { createAgent } from '../../agent/src/index'",
    'conn-proxy/src/k.ts': "import { vncPassword } from '../../agent/src/sessions/vnc-password'",
    'conn-proxy/src/ok.ts': "import { loadIdentity } from '#daemon-kit'\nimport { ProxyHeartbeatSchema } from '#schema'",
  })
  const rules = found.map((f) => `${f.split(':')[0]} ${f.match(/\((\S+):/)?.[1] ?? f.match(/\(([\w-]+):/)?.[1]}`)
  expect(rules).toEqual([
    'agent/src/sessions/x.ts agent-alone',
    'edge/src/services/x.ts edge-not-agent',
    'edge/src/services/x.ts worker-no-node',
    'edge/src/routes/y.ts worker-no-node',
    'edge/dashboard/src/z.tsx dashboard-contracts',
    'edge/dashboard/src/z.tsx dashboard-contracts',
    'edge/dashboard/src/z.tsx schema-entry',
    'edge/src/db/d.ts schema-entry',
    'bench/b.ts bench-support',
    'schema/src/s.ts schema-below-all',
    'standalone/src/m.ts standalone-entries',
    'agent/src/k.ts agent-alone',
    'edge/src/k.ts edge-not-agent',
    'daemon-kit/src/k.ts daemon-kit-below-daemons',
    'conn-proxy/src/k.ts conn-proxy-alone',
  ])
})

it('passes on the tree as it stands', () => {
  expect(execFileSync(process.execPath, ['--import', 'tsx', 'scripts/check-boundaries.ts'], { encoding: 'utf8' })).toMatch(/no breach/)
})
