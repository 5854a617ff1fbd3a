// Seed 004's error report: a readable message, then the validator's untranslated one in brackets.
// The bracketed texts are the ones Kasm's server produces (pydantic's wording), so reports match.

/** One problem with a row: the fields it concerns and `Readable [untranslated]`. */
export type RowIssue = { fields: string[]; message: string }

export const issueText = (readable: string, raw: string) => `${readable} [${raw}]`

/** `'a', 'b' or 'c'`, as pydantic lists enum values. */
const orList = (values: readonly string[]) => {
  const quoted = values.map((x) => `'${x}'`)
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}

export const MSG = {
  string: issueText('Wrong data type', 'Input should be a valid string'),
  integer: issueText('Wrong data type', 'Input should be a valid integer'),
  integerParse: issueText('Wrong data type', 'Input should be a valid integer, unable to parse string as an integer'),
  boolean: issueText('Wrong data type', 'Input should be a valid boolean, unable to interpret input'),
  labels: issueText('Wrong data type', 'Input should be a valid string or list of strings'),
  uuid: issueText('Invalid UUID', 'Input should be a valid UUID'),
  json: issueText('Invalid JSON', 'Value is not a valid JSON string'),
  guac: issueText(
    'Invalid connection info',
    'Value should be {"guac": {"type": "rdp", "vnc" or "ssh", "settings": {<name>: <text, number or boolean>}}}',
  ),
  hostname: issueText('Invalid value', 'Value should be an IP address or host name without spaces'),
  unknownField: issueText('Unknown field', 'Extra inputs are not permitted'),
  required: issueText('Missing value', 'Field required'),
  enumOf: (values: readonly string[]) => issueText('Bad value for enum', `Input should be ${orList(values)}`),
  min: (n: number) => issueText('Value is too small', `Input should be greater than or equal to ${n}`),
  max: (n: number) => issueText('Value is too large', `Input should be less than or equal to ${n}`),
  tooLong: (n: number) => issueText('Value is too long', `String should have at most ${n} characters`),
  tooShort: issueText('Value is too short', 'String should have at least 1 character'),
  missing: (kind: string, value: unknown) => issueText('Required resource does not exist', `${kind}(${String(value)}) does not exist`),
  combination: (raw: string) => issueText('Invalid combination', raw),
}

/** `(field, field) Readable [raw]; …` as in the seed's error report. */
export const formatIssues = (issues: readonly RowIssue[]) => issues.map((i) => `(${i.fields.join(', ')}) ${i.message}`).join('; ')
