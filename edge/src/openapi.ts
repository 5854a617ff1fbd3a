import { toJsonSchema } from '@valibot/to-json-schema'
import type { RouterRoute } from 'hono/types'
import { bodySchemas } from './validate'

type JsonObject = Record<string, unknown>

const ERROR = { $ref: '#/components/schemas/Error' }
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ERROR } } })

/** Kasm's developer API: what each kind of route asks for and answers, beyond its body schema. */
function kind(path: string) {
  if (path.startsWith('/api/public/'))
    return {
      tag: 'public',
      security: [{ bearer: [] }, { cookie: [] }, {}],
      errors: { 400: 'Invalid input (the field is named)', 401: 'Not signed in', 403: 'Not allowed', 404: 'Not found', 409: 'Conflict' },
    }
  if (path.startsWith('/api/agent/') || path.startsWith('/api/proxy/'))
    return { tag: path.split('/')[2]!, security: [{ signed: [] }], errors: { 400: 'Invalid input', 401: 'Bad signature', 403: 'Refused' } }
  return { tag: 'platform', security: [], errors: {} }
}

function operation(method: string, path: string, handlers: unknown[]): JsonObject {
  const k = kind(path)
  const verb = path.split('/').pop()!
  // Signing in needs no credentials.
  const security = path === '/api/public/login' ? [] : k.security
  const schema = handlers.map((h) => bodySchemas.get(h as object)).find(Boolean)
  const body = schema
    ? (() => {
        // The body as clients send it (input type); checks JSON Schema cannot say are enforced by the API.
        const { $schema: _, ...json } = toJsonSchema(schema, {
          target: 'draft-2020-12',
          typeMode: 'input',
          errorMode: 'ignore',
        }) as JsonObject
        return { required: true, content: { 'application/json': { schema: json } } }
      })()
    : method === 'post'
      ? { content: { 'application/json': { schema: { type: 'object' } } } }
      : undefined
  return {
    operationId: `${k.tag}_${verb}`.replace(/[^A-Za-z0-9_]/g, '_'),
    tags: [k.tag],
    security,
    ...(body && { requestBody: body }),
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
      ...Object.fromEntries(Object.entries(k.errors).map(([status, text]) => [status, errorResponse(text)])),
      503: errorResponse('The database is unreachable, or the edge is not configured'),
    },
  }
}

/**
 * The OpenAPI 3.1 document of the edge's routes, built from the app's own route table and the valibot
 * schemas that validate each body, so it cannot drift from what the API accepts. `/api/admin/<verb>` is
 * `/api/public/<verb>` under another name (Kasm's UI path) and is described once.
 */
export function openApiDocument(routes: readonly RouterRoute[]): JsonObject {
  const byPath = new Map<string, Map<string, unknown[]>>()
  for (const r of routes) {
    if (r.method === 'ALL' || r.path.includes('*') || r.path.startsWith('/api/admin/')) continue
    const methods = byPath.get(r.path) ?? new Map<string, unknown[]>()
    const method = r.method.toLowerCase()
    methods.set(method, [...(methods.get(method) ?? []), r.handler])
    byPath.set(r.path, methods)
  }
  const paths = Object.fromEntries(
    [...byPath.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, methods]) => [path, Object.fromEntries([...methods].map(([m, hs]) => [m, operation(m, path, hs)]))]),
  )
  return {
    openapi: '3.1.0',
    info: {
      title: 'Oriel API',
      version: '1.0.0',
      description:
        'Kasm Workspaces’ developer API (every verb is POST /api/public/<verb> with a JSON body; /api/admin/<verb> is the same API) ' +
        'and the signed agent and connection-proxy protocols. Besides a bearer token or the dashboard’s cookie, a public verb ' +
        'accepts Kasm’s API key in its body: "api_key" and "api_key_secret". Errors carry Kasm’s "error_message".',
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The token login answers' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'oriel_session' },
        signed: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'An Ed25519 request signature (docs/protocol.md)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error_message', 'code', 'request_id'],
          properties: {
            error_message: { type: 'string' },
            code: { type: 'string' },
            request_id: { type: 'string' },
            field: { type: 'string' },
            issues: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    },
  }
}
