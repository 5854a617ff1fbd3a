// Fence (type 248) has the same layout in both directions: 3 padding bytes, 32-bit flags, a length
// byte and up to 64 bytes of payload that the other side echoes back.
import { pass, read, RfbProtocolError, type Step } from './scanner'

const MAX_FENCE_PAYLOAD = 64

export const fenceBody = (done: () => Step): Step =>
  read(8, (b) => {
    const n = b[7]!
    if (n > MAX_FENCE_PAYLOAD) throw new RfbProtocolError(`fence payload of ${n} bytes`)
    return pass(n, done)
  })
