import { cpus } from 'node:os'

const totals = () =>
  cpus().reduce(
    (sum, c) => {
      const t = c.times
      return { busy: sum.busy + t.user + t.nice + t.sys + t.irq, all: sum.all + t.user + t.nice + t.sys + t.irq + t.idle }
    },
    { busy: 0, all: 0 },
  )

/** The machine's CPU use in percent (0–100, all cores) since the previous call, or since creation. */
export function createCpuSampler() {
  let last = totals()
  return () => {
    const now = totals()
    const all = now.all - last.all
    const percent = all > 0 ? ((now.busy - last.busy) / all) * 100 : 0
    last = now
    return Math.round(percent * 10) / 10
  }
}
