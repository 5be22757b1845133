/** Milliseconds since the epoch. Injected everywhere time decides something, so tests need no waiting. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
