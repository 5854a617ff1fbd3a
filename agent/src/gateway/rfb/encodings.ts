// Encoding numbers (RFC 6143 §7.7 and the rfbproto community registry) and the SetEncodings filter.
// The relay can only find message boundaries in encodings it can frame, so the client's list is cut
// down to those before the server sees it: the server then never chooses one the relay cannot parse.

export const Encoding = {
  Raw: 0,
  CopyRect: 1,
  RRE: 2,
  Tight: 7,
  ZRLE: 16,
  DesktopSize: -223,
  LastRect: -224,
  Cursor: -239,
  QemuExtendedKeyEvent: -258,
  QemuLedState: -261,
  DesktopName: -307,
  ExtendedDesktopSize: -308,
  Xvp: -309,
  Fence: -312,
  ContinuousUpdates: -313,
  ExtendedClipboard: 0xc0a1e5ce | 0, // signed, as it travels in SetEncodings
} as const

/** Encodings the server may use for a rectangle, all framed by `rectBody`. */
export const RECT_ENCODINGS: ReadonlySet<number> = new Set([
  Encoding.Raw,
  Encoding.CopyRect,
  Encoding.RRE,
  Encoding.Tight,
  Encoding.ZRLE,
  Encoding.DesktopSize,
  Encoding.LastRect,
  Encoding.Cursor,
  Encoding.QemuExtendedKeyEvent,
  Encoding.QemuLedState,
  Encoding.DesktopName,
  Encoding.ExtendedDesktopSize,
])

/**
 * Pseudo-encodings that never appear as a rectangle: they announce client capabilities, and the server
 * answers with messages the server parser knows (Fence, EndOfContinuousUpdates, xvp, extended
 * clipboard ServerCutText) or just tunes its encoder (compression and JPEG quality levels).
 */
const CAPABILITY_ENCODINGS: ReadonlySet<number> = new Set([
  Encoding.Fence,
  Encoding.ContinuousUpdates,
  Encoding.ExtendedClipboard,
  Encoding.Xvp,
])
const isLevel = (e: number) => (e >= -256 && e <= -247) || (e >= -32 && e <= -23)

export const isAllowedEncoding = (e: number): boolean => RECT_ENCODINGS.has(e) || CAPABILITY_ENCODINGS.has(e) || isLevel(e)

/** The client's list without what the relay cannot frame, in the client's order (it is a preference). */
export const filterEncodings = (list: readonly number[]): number[] => list.filter(isAllowedEncoding)
