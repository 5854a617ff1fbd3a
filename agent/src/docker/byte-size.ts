const UNIT_BYTES = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const

/**
 * Parses a docker-py size (`shm_size`, `mem_limit`): a byte count, or digits with a b/k/m/g suffix
 * in powers of 1024 ("512m" = 536870912), as docker-py's parse_bytes does.
 */
export function parseByteSize(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`invalid size ${value}`)
    return value
  }
  const m = /^(\d+)([bkmg]?)$/i.exec(value.trim())
  if (!m) throw new Error(`invalid size "${value}" (expected e.g. 512m or 2g)`)
  const unit = (m[2] || 'b').toLowerCase() as keyof typeof UNIT_BYTES
  const bytes = Number(m[1]) * UNIT_BYTES[unit]
  if (!Number.isSafeInteger(bytes)) throw new Error(`size "${value}" is too large`)
  return bytes
}
