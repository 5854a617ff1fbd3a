import { describe, expect, it } from 'vitest'
import Papa from 'papaparse'
import { errorReportCsv, parseServerCsv, readServerCsv } from '../../../edge/src/services/servers/csv'
import { newKasmIds } from '../../../edge/src/services/ids'

const all = (text: string, slice: number) => {
  const { header, records } = readServerCsv(text, slice)
  const out = []
  for (let r = records.next(); !r.done; r = records.next()) out.push(r.value)
  return { header, records: out }
}

describe('reading an import file a slice at a time', () => {
  // Quoted commas, quoted line breaks (LF and CRLF), "" escapes, a blank line, a ragged row and a
  // malformed quote: cut at every possible place, the records come out as from one whole parse.
  const head = 'name,zone_name,connection_type,connection_credential_type,ip_hostname,port,labels'
  const rows = [
    'a,default,SSH,STATIC,h1,22,"x,y"',
    '"b ""quoted""",default,RDP,STATIC,h2,3389,"line one\nline two"',
    '',
    'c,default,VNC,STATIC,h3,5900',
    '"d\r\nwindows",default,SSH,STATIC,h4,22,z',
    'e,default,SSH,STATIC,h5,22,"unclosed',
  ]
  for (const eol of ['\n', '\r\n']) {
    const text = `\uFEFF${head}${eol}${rows.join(eol)}${eol}`
    it(`gives the same records for every slice size (${JSON.stringify(eol)} line ends)`, () => {
      const whole = parseServerCsv(text)
      expect(whole.records.map((r) => r.row)).toEqual([1, 2, 3, 4, 5])
      expect(whole.records[1]!.fields[0]).toBe('b "quoted"')
      expect(whole.records[1]!.fields[6]).toBe('line one\nline two')
      expect(whole.records[2]!.issues.map((i) => i.message)).toEqual([
        'Wrong number of fields [Expected 7 fields as in the header, found 6]',
      ])
      expect(whole.records[4]!.issues.length).toBeGreaterThan(0)
      for (let slice = 1; slice <= text.length; slice++) expect(all(text, slice), `slice ${slice}`).toEqual(whole)
    })
  }
})

describe('the error report', () => {
  it('is written exactly as papaparse writes the same rows', () => {
    const header = ['name', 'zone_name', 'labels']
    const odd = [
      '',
      ' lead',
      'trail ',
      'in side',
      'a,b',
      'say "hi"',
      'two\nlines',
      'cr\rhere',
      '\uFEFFbom',
      "it's [fine]; ok",
      '""',
      'plain',
    ]
    const records = odd.map((x, i) => ({ row: i + 1, fields: i % 3 ? [x, 'default', x] : [x, x], issues: [] }))
    const issues = new Map(
      records
        .filter((r) => r.row % 2)
        .map((r) => [r.row, `(name) Value is too short [String should have at least 1 character]; (x, y) "quoted"`]),
    )
    const expected = Papa.unparse([['issues', ...header], ...records.map((r) => [issues.get(r.row) ?? '', ...r.fields])], { newline: '\n' })
    expect(errorReportCsv({ header, records }, issues)).toBe(expected)
  })
})

describe('new Kasm ids', () => {
  it('are random version 4 UUIDs written as 32 hex digits', () => {
    const id = newKasmIds(5000)
    const ids = Array.from({ length: 5000 }, (_, i) => id(i))
    expect(new Set(ids).size).toBe(5000)
    for (const x of ids) expect(x).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/)
  })
})
