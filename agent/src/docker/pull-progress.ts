/** One line of the Engine's `POST /images/create` progress stream. */
export type PullEvent = {
  id?: string
  status?: string
  progressDetail?: { current?: number; total?: number }
  error?: string
}

/** Downloading is most of a pull; extraction (disk-bound) is the rest. */
const DOWNLOAD_SHARE = 0.8

/**
 * Folds pull events into one overall percentage (0–100) that never goes backwards, for the
 * session's "Pulling image" progress. The Engine reports per layer, and layers appear one by one,
 * so the figure is the mean over layers seen so far; it is an estimate, not a byte count.
 */
export function createPullProgress(): (event: PullEvent) => number {
  const layers = new Map<string, number>()
  let reported = 0
  return (event) => {
    if (event.id && event.status) {
      const fraction = layerFraction(event.status, event.progressDetail)
      if (fraction !== undefined) layers.set(event.id, Math.max(layers.get(event.id) ?? 0, fraction))
    }
    if (layers.size > 0) {
      const mean = [...layers.values()].reduce((a, b) => a + b, 0) / layers.size
      reported = Math.max(reported, Math.floor(mean * 100))
    }
    return reported
  }
}

function layerFraction(status: string, detail: PullEvent['progressDetail']): number | undefined {
  const part = detail?.total ? Math.min(1, (detail.current ?? 0) / detail.total) : 0
  if (status === 'Pulling fs layer' || status === 'Waiting') return 0
  if (status === 'Downloading') return part * DOWNLOAD_SHARE
  if (status === 'Download complete' || status === 'Verifying Checksum') return DOWNLOAD_SHARE
  if (status === 'Extracting') return DOWNLOAD_SHARE + part * (1 - DOWNLOAD_SHARE)
  if (status === 'Pull complete' || status === 'Already exists') return 1
  return undefined
}
