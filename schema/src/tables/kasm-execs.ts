import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { id } from '../columns'
import type { ExecConfig } from '../protocol/agent'
import { kasms } from './kasms'

export const EXEC_STATES = ['pending', 'done', 'error'] as const

/** Commands run in a session's container (exec_command_kasm), handed to the agent by its next poll. */
export const kasmExecs = pgTable(
  'kasm_execs',
  {
    id: id(),
    kasmId: uuid()
      .notNull()
      .references(() => kasms.id, { onDelete: 'cascade' }),
    /** Kasm's exec config: cmd, user, workdir, environment, privileged. */
    execConfig: jsonb().$type<ExecConfig>().notNull(),
    status: text({ enum: EXEC_STATES }).notNull().default('pending'),
    exitCode: integer(),
    output: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('kasm_execs_kasm_idx').on(t.kasmId, t.status)],
)
export type KasmExec = typeof kasmExecs.$inferSelect
