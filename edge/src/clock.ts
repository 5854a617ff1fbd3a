/** Time as services see it; tests inject a fixed or stepped clock. */
export type Clock = { now: () => Date }
export const systemClock: Clock = { now: () => new Date() }
