// GET /api/openapi.json: an OpenAPI 3.1 document a real validator accepts, with every route the app serves,
// and request schemas generated from the valibot schemas the routes validate with: every verb's sample body
// (tests/support/verb-samples.ts, bodies the API accepts) satisfies its schema, and a body the API refuses
// for its shape fails it.
import { Validator } from '@seriousme/openapi-schema-validator'
import Ajv2020 from 'ajv/dist/2020'
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestContext } from '../support/context'
import { makeSampleFixtures, sampleBodies, type SampleIds } from '../support/verb-samples'

const { t, admin } = useTestContext()
type Doc = { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: object }> } }>> }
let doc: Doc
let ids: SampleIds

beforeAll(async () => {
  const res = await t.app.request('/api/openapi.json')
  expect(res.status).toBe(200)
  doc = (await res.json()) as Doc
  ids = await makeSampleFixtures(t, admin)
})

const bodySchema = (path: string) => doc.paths[path]?.post?.requestBody?.content['application/json']?.schema

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never)
    expect(result.errors ?? []).toEqual([])
    expect([result.valid, doc.openapi]).toEqual([true, '3.1.0'])
  })

  it('lists every route the app serves; /api/admin/<verb> as its /api/public twin', () => {
    const served = t.app.routes.filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    const missing = served.filter((r) => !doc.paths[r.path.replace(/^\/api\/admin\//, '/api/public/')]?.[r.method.toLowerCase()])
    expect(missing.map((r) => `${r.method} ${r.path}`)).toEqual([])
    const verbs = Object.keys(doc.paths).filter((p) => p.startsWith('/api/public/'))
    expect(verbs.length).toBeGreaterThan(70)
    expect(verbs.sort()).toEqual(
      Object.keys(sampleBodies(ids))
        .filter((v) => !v.startsWith('agent/')) // the fuzz test's samples for the agent protocol
        .map((v) => `/api/public/${v}`)
        .sort(),
    )
  })

  it('describes each body as the API validates it: every sample body fits, a misshapen one does not', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false })
    const misfits: string[] = []
    let checked = 0
    for (const [verb, body] of Object.entries(sampleBodies(ids))) {
      // The fuzz test's samples name the agent protocol's routes `agent/<route>`; bodies it reads itself have no schema.
      const schema = bodySchema(verb.startsWith('agent/') ? `/api/${verb}` : `/api/public/${verb}`)
      if (!schema) continue
      checked++
      const check = ajv.compile(schema)
      if (!check(body)) misfits.push(`${verb}: ${ajv.errorsText(check.errors)}`)
    }
    expect(misfits).toEqual([])
    expect(checked).toBeGreaterThan(70)
    const create = ajv.compile(bodySchema('/api/public/create_user')!)
    expect(create({ target_user: { username: 42 } })).toBe(false)
    const request = bodySchema('/api/public/request_kasm') as { properties: Record<string, unknown> }
    expect(Object.keys(request.properties)).toEqual(
      expect.arrayContaining(['image_id', 'connection_info', 'server_id', 'egress_gateway_id']),
    )
  })
})
