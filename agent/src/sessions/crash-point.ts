import type { CrashAt, CrashPointName } from '../config'

/** Called by a launch at each step a test may want to kill it at. */
export type CrashPoint = (point: CrashPointName) => void

/**
 * Fault-injection hook for tests: the nth time any launch reaches the armed point, `kill` ends the
 * process (a SIGKILL of its own pid, passed in by the entry file, which alone touches the process).
 * An outside kill -9 cannot land reliably between two Docker calls some 100 ms apart; this can.
 * Unarmed, or without `kill`, every point is a no-op.
 */
export function createCrashPoint(armed: CrashAt | undefined, kill: (() => void) | undefined): CrashPoint {
  if (!armed || !kill) return () => {}
  let reached = 0
  return (point) => {
    if (point === armed.point && ++reached === armed.nth) kill()
  }
}
