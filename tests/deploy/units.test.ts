// deploy/'s systemd units as systemd itself reads them (`systemd-analyze verify`): no unknown key, no value it
// would ignore, every referenced unit known. They are installed from a checkout in /opt/oriel (the units' own
// comments), so only "that file is not there yet" about /opt/oriel is expected on a test machine.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'

const DEPLOY = join(import.meta.dirname, '../../deploy')
const units = readdirSync(DEPLOY).filter((f) => /\.(service|timer)$/.test(f))

it('lists the agent and connection-proxy units', () => {
  expect(units).toEqual(expect.arrayContaining(['oriel-agent.service', 'oriel-conn-proxy.service']))
})

it.each(units)('%s is a unit systemd reads without complaint', (unit) => {
  const r = spawnSync('systemd-analyze', ['verify', join(DEPLOY, unit)], { encoding: 'utf8', cwd: DEPLOY })
  const complaints = `${r.stdout}${r.stderr}`
    .split('\n')
    .filter((l) => l.trim() && !/Command \/opt\/oriel\/\S+ is not executable: No such file or directory/.test(l))
  expect(complaints).toEqual([])
})
