// `npm run lint:boundaries`: the rooms between parts, enforced. Each rule names the files it governs,
// the imports (or Node globals) they may not use, and why. Run in `npm test`, so CI fails on a breach.
// Import specifiers are read from the source text; relative ones are resolved to repository paths.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const SOURCE = /\.(ts|tsx)$/

type Rule = { name: string; files: RegExp; forbid: RegExp; except?: RegExp; why: string }

/** Where an import lands: a repository path for relative imports, else the specifier itself. */
const target = (file: string, spec: string) => (spec.startsWith('.') ? normalize(join(dirname(file), spec)) : spec)

/** Worker code: the edge minus its Node adapters. */
const WORKER = /^edge\/src\/(?!node\/|db\/node-postgres\.ts|db\/pglite\.ts)/

const RULES: Rule[] = [
  {
    name: 'agent-alone',
    files: /^agent\//,
    forbid: /^(edge|standalone|tests|bench|scripts|conn-proxy|daemon-kit)\//,
    why: 'the agent talks to the edge over the signed protocol only (#schema holds the wire contracts); the daemon kit through #daemon-kit',
  },
  {
    name: 'conn-proxy-alone',
    files: /^conn-proxy\//,
    forbid: /^(edge|standalone|tests|bench|scripts|agent|daemon-kit)\//,
    why: 'the connection proxy talks to the edge over the signed protocol only; what it shares with the agent is in #daemon-kit',
  },
  {
    name: 'daemon-kit-below-daemons',
    files: /^daemon-kit\//,
    forbid: /^(edge|agent|conn-proxy|standalone|tests|bench|scripts)\//,
    why: 'the daemon kit is shared by the daemons, so it depends on none of them (only #schema)',
  },
  {
    name: 'edge-not-agent',
    files: /^edge\//,
    forbid: /^(agent|conn-proxy|standalone|daemon-kit)\/|^#daemon-kit$/,
    why: 'the edge and the agent are separate parts; only standalone/ (npm start) joins them',
  },
  {
    name: 'standalone-entries',
    files: /^standalone\//,
    forbid: /^(agent|conn-proxy|edge|schema)\/(?!src\/index(\.ts)?$|src\/node\/index(\.ts)?$)/,
    why: 'the single-machine composition uses each part through its public entry (agent/src/index.ts, conn-proxy/src/index.ts, edge/src/node/index.ts)',
  },
  {
    name: 'dashboard-contracts',
    files: /^edge\/dashboard\//,
    forbid: /^(schema|edge\/src|agent)\/|^#schema$/,
    why: 'the browser takes shared shapes from #schema/contracts (no drizzle tables), and talks to the edge over HTTP',
  },
  { name: 'schema-below-all', files: /^schema\//, forbid: /^(edge|agent|tests|bench|scripts)\//, why: 'schema is the shared bottom layer' },
  {
    name: 'schema-entry',
    files: /^(edge|agent|conn-proxy|daemon-kit)\//,
    forbid: /^schema\/src\//,
    why: 'parts use #schema, #schema/contracts or #schema/tables, not schema internals',
  },
  {
    name: 'worker-no-node',
    files: WORKER,
    forbid: /^(node:|pg$|@electric-sql\/pglite|dockerode|ws$)/,
    why: 'Worker code runs in workerd: Node modules only in edge/src/node and the Node database drivers',
  },
  {
    name: 'bench-support',
    files: /^bench\//,
    forbid: /^tests\/(?!support\/)/,
    why: 'benchmarks share test support (tests/support), not test files',
  },
]
/** Node globals that type-check in Worker code (a dependency's types pull @types/node in) but do not exist there. */
const NODE_GLOBALS = /(?<![\w.$])(Buffer|process|__dirname|require)\s*[.(]/

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(join(ROOT, dir))) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist') continue
    const path = join(dir, name)
    if (statSync(join(ROOT, path)).isDirectory()) yield* sources(path)
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) yield path
  }
}

/** Code without comments and string contents, so a word in prose or a message is not taken for a use. */
const codeOnly = (text: string) => text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').replace(/(['"`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""')
const IMPORT =
  /(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

export function breaches(paths: string[], read: (p: string) => string): string[] {
  const out: string[] = []
  for (const file of paths) {
    const rules = RULES.filter((r) => r.files.test(file) && !r.except?.test(file))
    if (rules.length === 0) continue
    const text = read(file)
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!
      const to = target(file, spec)
      for (const r of rules) if (r.forbid.test(to)) out.push(`${file}: imports ${spec} (${r.name}: ${r.why})`)
    }
    if (WORKER.test(file)) {
      const use = codeOnly(text).match(NODE_GLOBALS)
      if (use) out.push(`${file}: uses ${use[1]} (worker-no-node: Node globals do not exist in workerd)`)
    }
  }
  return out
}

if (import.meta.main ?? process.argv[1]?.endsWith('check-boundaries.ts')) {
  const paths = ['agent', 'conn-proxy', 'daemon-kit', 'edge', 'schema', 'standalone', 'bench'].flatMap((d) => [...sources(d)])
  const found = breaches(paths, (p) => readFileSync(join(ROOT, p), 'utf8'))
  for (const f of found) console.error(f)
  if (found.length > 0) {
    console.error(`\n${found.length} boundary breach(es); the rules are in scripts/check-boundaries.ts`)
    process.exit(1)
  }
  console.log(`boundaries: ${paths.length} files, no breach`)
}
