// `npm run build` makes the Worker bundle with wrangler, offline.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'

it('npm run build bundles the Worker', () => {
  const out = mkdtempSync(join(tmpdir(), 'oriel-dist-'))
  try {
    execFileSync('npm', ['run', 'build', '--', '--outdir', out], { stdio: 'pipe', env: { ...process.env, XDG_CONFIG_HOME: out } })
    const bundle = readFileSync(join(out, 'index.js'), 'utf8')
    expect(bundle).toContain('__healthcheck')
    expect(bundle).toContain('scheduled')
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}, 120_000)
