import { describe, expect, it } from 'vitest'
import { isoOf } from '../../../edge/src/services/images/view'

describe('isoOf', () => {
  it('writes Postgres JSON timestamps as Date#toISOString does', () => {
    for (const pg of [
      '2026-11-25T16:32:57.123456+00:00', '2026-11-25T16:32:57+00:00', '2026-11-25T16:32:57.1+00:00',
      '2026-11-25T18:32:57.5+02:00', '2026-11-25T11:02:57.25-05:30',
    ]) {
      const viaDate = new Date(pg.replace(/(\.\d{3})\d+/, '$1')).toISOString()
      expect([pg, isoOf(pg)]).toEqual([pg, viaDate])
    }
  })
})
