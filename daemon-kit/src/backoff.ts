import type { Logger } from '#schema'
import { EdgeError } from './edge-client'

/** Doubling delays between failed attempts, from `initialMs` up to `maxMs`; `reset()` after a success. */
export function createBackoff({ initialMs, maxMs }: { initialMs: number; maxMs: number }) {
  let current = initialMs
  return {
    /** The delay before the next attempt; each call doubles the one after it. */
    next(): number {
      const delay = current
      current = Math.min(current * 2, maxMs)
      return delay
    },
    reset(): void {
      current = initialMs
    },
  }
}

/**
 * A sleep that a wake hint or shutdown cuts short. A wake that arrives while no sleep is under way
 * is kept, so the next sleep returns at once: a poll in flight may have been answered before the
 * edge committed the work the hint announces.
 */
export function createWakeableSleep(signal: AbortSignal) {
  let wakePending = false
  let wakeSleeper: (() => void) | undefined
  return {
    wake(): void {
      if (wakeSleeper) wakeSleeper()
      else wakePending = true
    },
    /** Waits `ms`, or less if woken or aborted (including already aborted). */
    sleep(ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        if (signal.aborted || wakePending) {
          wakePending = false
          return resolve()
        }
        const done = () => {
          clearTimeout(timer)
          signal.removeEventListener('abort', done)
          wakeSleeper = undefined
          resolve()
        }
        const timer = setTimeout(done, ms)
        wakeSleeper = done
        signal.addEventListener('abort', done, { once: true })
      })
    },
  }
}

/**
 * A daemon's loop of calls to the edge until `signal` aborts: `step` makes one call and answers how
 * long to wait before the next; a failed step is retried after a doubling delay (250 ms up to
 * `maxRetryMs`). A 401 means the edge refused the signature, which is logged as an error.
 */
export async function runEdgeLoop(o: {
  signal: AbortSignal
  sleep: (ms: number) => Promise<void>
  log: Logger
  /** What a step does, for the log line when it fails ("poll", "heartbeat"). */
  what: string
  step: () => Promise<number>
  maxRetryMs: number
}): Promise<void> {
  const backoff = createBackoff({ initialMs: 250, maxMs: o.maxRetryMs })
  while (!o.signal.aborted) {
    let waitMs: number
    try {
      waitMs = await o.step()
      backoff.reset()
    } catch (err) {
      waitMs = backoff.next()
      if (err instanceof EdgeError && err.status === 401) o.log.error('the edge refused our signature', { error: err.message })
      else o.log.warn(`${o.what} failed`, { error: String(err), retry_ms: waitMs })
    }
    await o.sleep(waitMs)
  }
}
