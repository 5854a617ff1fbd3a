import { Hono } from 'hono'
import {
  ExecCommandKasmSchema,
  GetKasmScreenshotSchema,
  GetKasmsSchema,
  GetKasmStatusSchema,
  JoinKasmSchema,
  KasmRefSchema,
  RequestKasmSchema,
} from '#schema'
import type { CallerEnv } from '../../env'
import { execCommandKasm } from '../../services/kasms/exec'
import { joinKasm } from '../../services/kasms/join'
import { changeKasmState } from '../../services/kasms/lifecycle'
import { requestKasm } from '../../services/kasms/request'
import { getKasmScreenshot } from '../../services/kasms/screenshot'
import { destroyKasm, getKasmStatus, keepalive, listKasms } from '../../services/kasms/sessions'
import { vJson } from '../../validate'

export const kasmsApi = new Hono<CallerEnv>()
  .post('/request_kasm', vJson(RequestKasmSchema), async (c) => c.json(await requestKasm(c.var.deps, c.var.caller, c.req.valid('json'))))
  .post('/get_kasm_status', vJson(GetKasmStatusSchema), async (c) =>
    c.json(await getKasmStatus(c.var.deps, c.var.caller, c.req.valid('json'))),
  )
  .post('/join_kasm', vJson(JoinKasmSchema), async (c) => c.json(await joinKasm(c.var.deps, c.var.caller, c.req.valid('json'))))
  .post('/get_kasms', vJson(GetKasmsSchema), async (c) => c.json(await listKasms(c.var.deps, c.var.caller, c.req.valid('json'))))
  .post('/destroy_kasm', vJson(KasmRefSchema), async (c) => c.json(await destroyKasm(c.var.deps, c.var.caller, c.req.valid('json'))))
  .post('/exec_command_kasm', vJson(ExecCommandKasmSchema), async (c) =>
    c.json(await execCommandKasm(c.var.deps, c.var.caller, c.req.valid('json'))),
  )
  .post('/pause_kasm', vJson(KasmRefSchema), async (c) =>
    c.json(await changeKasmState(c.var.deps, c.var.caller, 'pause', c.req.valid('json'))),
  )
  .post('/stop_kasm', vJson(KasmRefSchema), async (c) =>
    c.json(await changeKasmState(c.var.deps, c.var.caller, 'stop', c.req.valid('json'))),
  )
  .post('/resume_kasm', vJson(KasmRefSchema), async (c) =>
    c.json(await changeKasmState(c.var.deps, c.var.caller, 'resume', c.req.valid('json'))),
  )
  .post('/get_kasm_screenshot', vJson(GetKasmScreenshotSchema), async (c) =>
    c.body(await getKasmScreenshot(c.var.deps, c.var.caller, c.req.valid('json')), 200, {
      'Content-Type': 'image/jpeg',
      'Cache-Control': 'no-store',
    }),
  )
  .post('/keepalive', vJson(KasmRefSchema), async (c) => c.json(await keepalive(c.var.deps, c.var.caller, c.req.valid('json'))))
