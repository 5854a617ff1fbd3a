/**
 * JSON text that Postgres already built, passed through without parsing and serialising it again
 * (that round trip was a quarter of the CPU of get_images). `toJSON` keeps it correct anywhere it
 * ends up inside an ordinary object.
 */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): unknown {
    return JSON.parse(this.text)
  }
}

/** A `{ "<key>": <raw> }` JSON response body. */
export const rawJsonBody = (key: string, raw: RawJson) => `{${JSON.stringify(key)}:${raw.text}}`
