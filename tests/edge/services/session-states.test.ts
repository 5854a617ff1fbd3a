// The session state machine, cell by cell: every (state × event) gives the change below or none.
// Tables are written out, not derived from the module, so a changed rule shows up as a changed cell.
import { describe, expect, it } from 'vitest'
import { KASM_STATES, type Kasm, type KasmState, type LaunchSpec, type ReportedSession } from '#schema'
import {
  ACTIVE,
  AGENT_DELETED,
  afterBulkRule,
  afterManagerEvent,
  afterReport,
  afterUserVerb,
  dueTimeRule,
  ENDED,
  EXISTING,
  LIVE,
  START_TIMEOUT_MS,
  STARTING,
  workFor,
  type KasmChange,
  type ManagerEvent,
  type UserVerb,
} from '../../../edge/src/services/kasms/states'

const NOW = new Date('2026-12-01T12:00:00Z')
const RESTARTING = 'Starting the desktop again after an interruption'
const REPORTS = ['provisioning', 'starting', 'running', 'paused', 'stopped', 'exited', 'error', 'deleted'] as const

/** A cell: '-' no change; a state name: the session moves there; 'restart'/'clear': only the message changes; 'refused'. */
function cell(change: KasmChange | null | { refused: string }): string {
  if (change === null) return '-'
  if ('refused' in change) return 'refused'
  if (change.status) return change.status
  return change.operationalMessage === RESTARTING ? 'restart' : change.operationalMessage === null ? 'clear' : JSON.stringify(change)
}

const row = (status: KasmState, extra: Partial<Kasm> = {}) =>
  ({
    status,
    operationalMessage: 'Pausing',
    operationalProgress: 40,
    containerId: 'c1',
    startedAt: null,
    agentId: 'agent-1',
    launchSpec: null,
    ...extra,
  }) as Kasm

/** Splits a table row written with spaces into its cells. */
const cells = (line: string) => line.trim().split(/\s+/)

describe('the state sets', () => {
  it('split every state once: live, being deleted, or ended', () => {
    const parts = [...LIVE, 'deleting', ...ENDED]
    expect([...parts].sort()).toEqual([...KASM_STATES].sort())
    expect(new Set(parts).size).toBe(KASM_STATES.length)
  })

  it('nest: starting ⊂ active ⊂ live ⊂ existing, which is everything but deleted', () => {
    expect(STARTING).toEqual(['requested', 'provisioning', 'starting'])
    expect(ACTIVE).toEqual([...STARTING, 'running'])
    expect(LIVE).toEqual([...ACTIVE, 'paused', 'stopped'])
    expect(EXISTING).toEqual(KASM_STATES.filter((s) => s !== 'deleted'))
  })
})

describe('agent reports', () => {
  // Columns: the agent reports provisioning … deleted, or no longer lists the session (unlisted).
  //                      provisioning  starting  running  paused   stopped  exited  error  deleted  unlisted
  const TABLE: Record<KasmState, string> = {
    requested: /*      */ 'provisioning starting  running  restart  restart  error   error  error    -',
    provisioning: /*   */ 'provisioning starting  running  restart  restart  error   error  error    -',
    starting: /*       */ 'provisioning starting  running  restart  restart  error   error  error    -',
    running: /*        */ '-            -         clear    -        -        -       error  error    -',
    paused: /*         */ '-            -         -        clear    -        -       error  error    error',
    stopped: /*        */ '-            -         -        -        clear    -       error  error    error',
    deleting: /*       */ '-            -         -        -        -        -       -      deleted  deleted',
    deleted: /*        */ '-            -         -        -        -        -       -      -        -',
    error: /*          */ '-            -         -        -        -        -       -      -        -',
  }

  for (const from of KASM_STATES) {
    it(`from ${from}`, () => {
      const got = [...REPORTS.map((state) => afterReport(row(from), { kasm_id: 'k', state }, NOW)), afterReport(row(from), null, NOW)].map(
        cell,
      )
      expect(got).toEqual(cells(TABLE[from]))
    })
  }

  it('a start records progress, container and start time (the injected clock), and clears the message', () => {
    const r = (state: ReportedSession['state'], extra: Partial<ReportedSession> = {}) =>
      afterReport(row('requested'), { kasm_id: 'k', state, ...extra }, NOW)
    expect(r('starting', { progress: 70, message: 'Pulling', container_id: 'c2' })).toEqual({
      status: 'starting',
      operationalProgress: 70,
      operationalMessage: 'Pulling',
      containerId: 'c2',
    })
    expect(r('starting')).toEqual({ status: 'starting', operationalProgress: 40, operationalMessage: null, containerId: 'c1' })
    expect(r('running')).toEqual({
      status: 'running',
      operationalProgress: 100,
      operationalMessage: null,
      containerId: 'c1',
      startedAt: NOW,
    })
    const earlier = new Date('2026-11-30T00:00:00Z')
    expect(afterReport(row('starting', { startedAt: earlier }), { kasm_id: 'k', state: 'running' }, NOW)).toMatchObject({
      startedAt: earlier,
    })
  })

  it('says why a session failed: the agent’s message, or ours', () => {
    const r = (from: KasmState, state: ReportedSession['state'], message?: string) =>
      afterReport(row(from), { kasm_id: 'k', state, message }, NOW)
    expect(r('running', 'error')).toEqual({ status: 'error', operationalMessage: 'The session failed on its agent' })
    expect(r('running', 'error', 'OOM')).toEqual({ status: 'error', operationalMessage: 'OOM' })
    expect(r('paused', 'deleted')).toEqual({ status: 'error', operationalMessage: 'The session container disappeared from its agent' })
    expect(r('starting', 'exited')).toEqual({ status: 'error', operationalMessage: 'The session container stopped while starting' })
    expect(afterReport(row('stopped'), null, NOW)).toEqual({
      status: 'error',
      operationalMessage: 'The session container disappeared from its agent',
    })
    expect(afterReport(row('deleting'), null, NOW)).toEqual({ status: 'deleted', operationalProgress: 100 })
  })

  it('marks an interrupted launch restarting once, and leaves a reached state alone once its message is cleared', () => {
    expect(afterReport(row('starting', { operationalMessage: RESTARTING }), { kasm_id: 'k', state: 'stopped' }, NOW)).toBeNull()
    expect(afterReport(row('running', { operationalMessage: null }), { kasm_id: 'k', state: 'running' }, NOW)).toBeNull()
  })
})

describe('poll work: the wanted state against the reported container', () => {
  // Rows: the session's state on the edge (unknown: no such session of this agent).
  //                      provisioning  starting  running  paused   stopped  exited   error    deleted
  const TABLE: Record<KasmState | 'unknown', string> = {
    unknown: /*        */ 'destroy      destroy   destroy  destroy  destroy  destroy  destroy  -',
    requested: /*      */ '-            -         -        resume   resume   resume   -        -',
    provisioning: /*   */ '-            -         -        resume   resume   resume   -        -',
    starting: /*       */ '-            -         -        resume   resume   resume   -        -',
    running: /*        */ '-            -         -        resume   resume   resume   -        -',
    paused: /*         */ '-            -         pause    -        -        -        -        -',
    stopped: /*        */ '-            -         stop     stop     -        -        -        -',
    deleting: /*       */ 'destroy      destroy   destroy  destroy  destroy  destroy  destroy  -',
    deleted: /*        */ 'destroy      destroy   destroy  destroy  destroy  destroy  destroy  -',
    error: /*          */ 'destroy      destroy   destroy  destroy  destroy  destroy  destroy  -',
  }
  for (const wanted of ['unknown', ...KASM_STATES] as const) {
    it(`for a session ${wanted}`, () => {
      const got = REPORTS.map((r) => workFor(wanted === 'unknown' ? undefined : wanted, r) ?? '-')
      expect(got).toEqual(cells(TABLE[wanted]))
    })
  }
})

describe('manager events', () => {
  const spec = (action: LaunchSpec['lifecycle']['keepalive_expiration_action']) =>
    ({ lifecycle: { keepalive_expiration_action: action, session_time_limit: 0 } }) as LaunchSpec
  const EVENTS: [string, (from: KasmState) => KasmChange | null][] = [
    ['time_limit', (s) => afterManagerEvent(row(s), 'time_limit')],
    ['expired(delete)', (s) => afterManagerEvent(row(s, { launchSpec: spec('delete') }), 'keepalive_expired')],
    ['expired(pause)', (s) => afterManagerEvent(row(s, { launchSpec: spec('pause') }), 'keepalive_expired')],
    ['expired(stop)', (s) => afterManagerEvent(row(s, { launchSpec: spec('stop') }), 'keepalive_expired')],
    ['expired(no spec)', (s) => afterManagerEvent(row(s), 'keepalive_expired')],
    ['start_timeout', (s) => afterManagerEvent(row(s), 'start_timeout', 'Its agent was removed before the session started')],
    ['start_timeout(working)', (s) => afterManagerEvent(row(s), 'start_timeout', null)],
    ['agent_gone', (s) => afterManagerEvent(row(s), 'agent_gone' satisfies ManagerEvent)],
  ]
  //                      time_limit  exp(delete)  exp(pause)  exp(stop)  exp(no spec)  start_timeout  (working)  agent_gone
  const TABLE: Record<KasmState, string> = {
    requested: /*      */ 'deleting   deleting     deleting    deleting   deleting      error          -          deleted',
    provisioning: /*   */ 'deleting   deleting     deleting    deleting   deleting      error          -          deleted',
    starting: /*       */ 'deleting   deleting     deleting    deleting   deleting      error          -          deleted',
    running: /*        */ 'deleting   deleting     paused      stopped    deleting      -              -          deleted',
    paused: /*         */ '-          -            -           -          -             -              -          -',
    stopped: /*        */ '-          -            -           -          -             -              -          -',
    deleting: /*       */ '-          -            -           -          -             -              -          deleted',
    deleted: /*        */ '-          -            -           -          -             -              -          -',
    error: /*          */ '-          -            -           -          -             -              -          -',
  }
  for (const from of KASM_STATES) {
    it(`from ${from}`, () => expect(EVENTS.map(([, apply]) => cell(apply(from)))).toEqual(cells(TABLE[from])))
  }

  it('says which rule ended the session', () => {
    expect(afterManagerEvent(row('running'), 'time_limit')).toEqual({
      status: 'deleting',
      operationalMessage: 'The session reached its time limit',
    })
    expect(afterManagerEvent(row('running', { launchSpec: spec('pause') }), 'keepalive_expired')).toEqual({
      status: 'paused',
      operationalMessage: 'The session expired without a keepalive (pause)',
    })
    expect(afterManagerEvent(row('starting', { launchSpec: spec('stop') }), 'keepalive_expired')).toEqual({
      status: 'deleting',
      operationalMessage: 'The session expired without a keepalive (delete)',
    })
    expect(afterManagerEvent(row('requested'), 'start_timeout', 'why')).toEqual({ status: 'error', operationalMessage: 'why' })
    expect(afterManagerEvent(row('deleting'), 'agent_gone')).toEqual({ status: 'deleted', operationalMessage: 'Its agent went offline' })
  })

  describe('which time rule is due', () => {
    const at = (msAgo: number) => new Date(NOW.getTime() - msAgo)
    const limited = (s: number) => ({ lifecycle: { keepalive_expiration_action: 'delete', session_time_limit: s } }) as LaunchSpec
    const k = (status: KasmState, extra: Partial<Kasm> = {}) => ({
      status,
      launchSpec: null,
      startedAt: at(1000),
      expiresAt: at(-60_000),
      createdAt: at(1000),
      ...extra,
    })

    it('none while within every limit, and none for a session that is not active', () => {
      expect(dueTimeRule(k('running'), NOW)).toBeNull()
      for (const s of ['paused', 'stopped', 'deleting', 'deleted', 'error'] as const) {
        expect(dueTimeRule(k(s, { expiresAt: at(1), createdAt: at(START_TIMEOUT_MS + 1) }), NOW)).toBeNull()
      }
    })

    it('the time limit from the start, inclusive, before the keepalive expiry', () => {
      expect(dueTimeRule(k('running', { launchSpec: limited(60), startedAt: at(60_000), expiresAt: at(1) }), NOW)).toBe('time_limit')
      expect(dueTimeRule(k('running', { launchSpec: limited(60), startedAt: at(59_999) }), NOW)).toBeNull()
      expect(dueTimeRule(k('running', { launchSpec: limited(0), startedAt: at(10 ** 9) }), NOW)).toBeNull()
      expect(dueTimeRule(k('starting', { launchSpec: limited(60), startedAt: null }), NOW)).toBeNull()
    })

    it('the keepalive expiry at its instant, before the start timeout', () => {
      expect(dueTimeRule(k('running', { expiresAt: NOW }), NOW)).toBe('keepalive_expired')
      expect(dueTimeRule(k('requested', { expiresAt: NOW, createdAt: at(START_TIMEOUT_MS + 1) }), NOW)).toBe('keepalive_expired')
      expect(dueTimeRule(k('running', { expiresAt: null }), NOW)).toBeNull()
    })

    it('the start timeout strictly after START_TIMEOUT_MS, for a session not yet running', () => {
      expect(dueTimeRule(k('provisioning', { createdAt: at(START_TIMEOUT_MS + 1) }), NOW)).toBe('start_timeout')
      expect(dueTimeRule(k('provisioning', { createdAt: at(START_TIMEOUT_MS) }), NOW)).toBeNull()
      expect(dueTimeRule(k('running', { createdAt: at(START_TIMEOUT_MS + 1) }), NOW)).toBeNull()
    })
  })
})

describe('user verbs', () => {
  const VERBS: [string, (from: KasmState) => ReturnType<typeof afterUserVerb>][] = [
    ...(['pause', 'stop', 'resume', 'destroy'] as UserVerb[]).map((v): [string, (s: KasmState) => ReturnType<typeof afterUserVerb>] => [
      v,
      (s) => afterUserVerb(row(s), v),
    ]),
    ['destroy(no agent)', (s) => afterUserVerb(row(s, { agentId: null }), 'destroy')],
    ['keepalive', (s) => afterUserVerb(row(s), 'keepalive')],
  ]
  //                      pause    stop     resume   destroy   destroy(no agent)  keepalive
  const TABLE: Record<KasmState, string> = {
    requested: /*      */ 'refused refused  refused  deleting  deleted            -',
    provisioning: /*   */ 'refused refused  refused  deleting  deleted            -',
    starting: /*       */ 'refused refused  refused  deleting  deleted            -',
    running: /*        */ 'paused  stopped  refused  deleting  deleted            -',
    paused: /*         */ 'refused stopped  running  deleting  deleted            refused',
    stopped: /*        */ 'refused refused  running  deleting  deleted            refused',
    deleting: /*       */ 'refused refused  refused  -         -                  refused',
    deleted: /*        */ 'refused refused  refused  refused   refused            refused',
    error: /*          */ 'refused refused  refused  deleted   deleted            refused',
  }
  for (const from of KASM_STATES) {
    it(`on a ${from} session`, () => expect(VERBS.map(([, apply]) => cell(apply(from)))).toEqual(cells(TABLE[from])))
  }

  it('shows the wanted state with a message until the agent reports it, and words refusals as Kasm clients see them', () => {
    expect(afterUserVerb(row('running'), 'pause')).toEqual({ status: 'paused', operationalMessage: 'Pausing' })
    expect(afterUserVerb(row('paused'), 'stop')).toEqual({ status: 'stopped', operationalMessage: 'Stopping' })
    expect(afterUserVerb(row('stopped'), 'resume')).toEqual({ status: 'running', operationalMessage: 'Resuming' })
    expect(afterUserVerb(row('running'), 'destroy')).toEqual({ status: 'deleting', operationalMessage: 'Deleting', operationalProgress: 0 })
    expect(afterUserVerb(row('error'), 'destroy')).toEqual({ status: 'deleted', operationalMessage: 'Deleted' })
    expect(afterUserVerb(row('deleting'), 'stop')).toEqual({ refused: 'A deleting session cannot be stopped' })
    expect(afterUserVerb(row('running'), 'resume')).toEqual({ refused: 'A running session cannot be resumed' })
    expect(afterUserVerb(row('paused'), 'keepalive')).toEqual({ refused: 'The session is paused' })
  })

  it('delete_agent ends every session of the agent that is not already deleted', () => {
    expect(KASM_STATES.map((s) => cell(afterBulkRule(AGENT_DELETED, s)))).toEqual(
      KASM_STATES.map((s) => (s === 'deleted' ? '-' : 'deleted')),
    )
    expect(AGENT_DELETED.set).toEqual({ status: 'deleted', operationalMessage: 'Its agent was deleted' })
  })
})
