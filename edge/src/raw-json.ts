/**
 * JSON text that Postgres already built, passed through without parsing and serialising it again
 * (that round trip was a quarter of the CPU of get_images). `toJSON` keeps it correct anywhere it
 * ends up inside an ordinary object. It may come in pieces (an import's 10,000 views, a chunk at a
 * time), joined once into the response body rather than copied into one text first.
 */
export class RawJson {
  readonly parts: readonly string[]
  constructor(text: string | readonly string[]) {
    this.parts = typeof text === 'string' ? [text] : text
  }
  get text(): string {
    return this.parts.join('')
  }
  toJSON(): unknown {
    return JSON.parse(this.text)
  }
}

/** A `{ "<key>": <raw> }` JSON response body, made in one join. */
export const rawJsonBody = (key: string, raw: RawJson) => [`{${JSON.stringify(key)}:`, ...raw.parts, '}'].join('')
