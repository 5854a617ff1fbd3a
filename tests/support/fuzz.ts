// A seeded generator of malformed API requests: the same seed gives the same requests, so a failure
// found in CI replays here (ORIEL_FUZZ_SEED). No dependency: mutations are what a hostile or broken
// client sends, aimed at every field of a verb's valid body.

/** mulberry32: small, fast, good enough to pick mutations. */
export function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! }
}
export type Rng = ReturnType<typeof prng>

/** One request: either raw body text (malformed JSON, huge numbers) or a value sent as JSON. */
export type FuzzCase = { label: string; text: string }

type Path = (string | number)[]

/** Every position in a JSON value (objects' fields and arrays' items), root first. */
export function positions(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  const out = [{ path, value }]
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...positions(v, [...path, i])))
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...positions(v, [...path, k]))
  return out
}

/** A deep copy of `value` with the item at `path` replaced (the root when the path is empty). */
export function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) }
  const [head, ...rest] = path
  copy[head as any] = setAt(copy[head as any], rest, replacement)
  return copy
}

/** A copy of `value` with a key added to the object at `path` (defineProperty: `__proto__` stays a key). */
function addKeyAt(value: unknown, path: Path, key: string, v: unknown): unknown {
  const target = path.reduce<any>((o, k) => o?.[k], value)
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return value
  const patched = { ...target }
  Object.defineProperty(patched, key, { value: v, enumerable: true, configurable: true, writable: true })
  return setAt(value, path, patched)
}

export const PROTOTYPE_KEYS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'isPrototypeOf']
const NUL_AND_SURROGATES = ['\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\udc00\ud800', `${'é'.repeat(3)}\ud83d`]
const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  -1e308,
  1e308,
  '',
  ' ',
  'x',
  '0',
  'true',
  [],
  [1],
  {},
  { a: 1 },
]
const MALFORMED = [
  '',
  '{',
  '}',
  '[',
  '{"a":',
  '{"a" 1}',
  "{'a':1}",
  '{"a":1,}',
  'null',
  '1',
  '"x"',
  '[]',
  'true',
  '\uFEFF{}',
  '{"a":1}{"b":2}',
  '{"a":1} x',
  '{"a":"\\x"}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  'NaN',
  '{"a":NaN}',
  '{"a":Infinity}',
]

const nested = (depth: number, inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth)
const json = (v: unknown) => JSON.stringify(v)

/**
 * Cases for one verb from a valid body: malformed JSON; each field (and the body) replaced by wrong
 * types, by NUL or lone surrogates, by huge strings, by deep nesting and by numbers past double
 * range; prototype-named keys at every object level. `count` of them, picked by `rng`, plus the
 * fixed ones every verb gets.
 */
export function fuzzCases(valid: Record<string, unknown>, rng: Rng, count: number): FuzzCase[] {
  const spots = positions(valid)
  const objects = spots.filter((s) => s.value !== null && typeof s.value === 'object' && !Array.isArray(s.value))
  const label = (p: Path) => (p.length ? p.join('.') : '(body)')
  const fixed: FuzzCase[] = [
    ...MALFORMED.map((text) => ({ label: `malformed ${json(text)}`, text })),
    { label: 'deep nesting 5000 at body', text: nested(5000, '1') },
    ...PROTOTYPE_KEYS.map((k) => ({ label: `key ${k} at body`, text: json(addKeyAt(valid, [], k, 1)) })),
    { label: 'NUL key at body', text: json(addKeyAt(valid, [], 'a\u0000', 1)) },
    { label: 'huge body (2 MB string)', text: json({ ...valid, pad: 'x'.repeat(2 * 1024 * 1024) }) },
  ]
  const generators: (() => FuzzCase)[] = [
    () => {
      const s = rng.pick(spots)
      const v = rng.pick(WRONG_TYPES)
      return { label: `${label(s.path)} = ${json(v)}`, text: json(setAt(valid, s.path, v)) }
    },
    () => {
      const s = rng.pick(spots)
      const v = rng.pick(NUL_AND_SURROGATES)
      return { label: `${label(s.path)} = text with NUL/surrogate`, text: json(setAt(valid, s.path, v)) }
    },
    () => {
      const s = rng.pick(spots)
      const n = rng.pick([10_000, 100_000, 600_000])
      return { label: `${label(s.path)} = ${n} chars`, text: json(setAt(valid, s.path, rng.pick(['x', 'é', '😀', '\u0000']).repeat(n))) }
    },
    () => {
      const s = rng.pick(spots)
      const depth = rng.pick([33, 200, 5000])
      // Spliced in as text: JSON.stringify of a 5,000-deep value would itself overflow.
      const marker = '"__FUZZ_DEPTH__"'
      return {
        label: `${label(s.path)} nested ${depth} deep`,
        text: json(setAt(valid, s.path, '__FUZZ_DEPTH__')).replace(marker, nested(depth, '{"a":1}')),
      }
    },
    () => {
      const s = rng.pick(spots)
      const n = rng.pick(['1e400', '-1e400', '123456789012345678901234567890', '1e-400', '-0', '9007199254740993'])
      return { label: `${label(s.path)} = ${n}`, text: json(setAt(valid, s.path, '__FUZZ_NUM__')).replace('"__FUZZ_NUM__"', n) }
    },
    () => {
      const o = rng.pick(objects)
      const k = rng.pick(PROTOTYPE_KEYS)
      const v = rng.pick<unknown>([1, null, {}, { polluted: true }, 'x', []])
      return { label: `key ${k} = ${json(v)} at ${label(o.path)}`, text: json(addKeyAt(valid, o.path, k, v)) }
    },
    () => {
      const o = rng.pick(objects)
      return { label: `surrogate key at ${label(o.path)}`, text: json(addKeyAt(valid, o.path, rng.pick(['\ud800', 'k\u0000']), 1)) }
    },
  ]
  const random = Array.from({ length: count }, () => rng.pick(generators)())
  return [...fixed, ...random]
}
