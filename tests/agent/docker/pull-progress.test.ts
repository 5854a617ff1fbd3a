import { describe, expect, it } from 'vitest'
import { createPullProgress } from '../../../agent/src/docker/pull-progress'

describe('createPullProgress', () => {
  it('folds per-layer events into one percentage that never goes backwards', () => {
    const progress = createPullProgress()
    const seen = [
      { status: 'Pulling from library/x', id: '1.0' },
      { status: 'Pulling fs layer', id: 'a' },
      { status: 'Already exists', id: 'b' },
      { status: 'Downloading', id: 'a', progressDetail: { current: 50, total: 100 } },
      // A new layer appearing lowers the mean; the reported figure holds instead.
      { status: 'Pulling fs layer', id: 'c' },
      { status: 'Download complete', id: 'a' },
      { status: 'Extracting', id: 'a', progressDetail: { current: 50, total: 100 } },
      { status: 'Pull complete', id: 'a' },
      { status: 'Downloading', id: 'c', progressDetail: { current: 100, total: 100 } },
      { status: 'Pull complete', id: 'c' },
      { status: 'Digest: sha256:…' },
    ].map(progress)
    expect(seen).toEqual([0, 0, 50, 70, 70, 70, 70, 70, 93, 100, 100])
  })
})
