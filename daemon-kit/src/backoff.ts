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
