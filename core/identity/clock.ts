import type { Observation } from '../model/observation';

/** How far ahead of our clock a source time may be before we stop believing it (docs/identity.md §1). */
export const MAX_FUTURE_SKEW_MS = 60_000;

/**
 * A source time further in the future than any real clock skew would put it is clamped to
 * `now`: otherwise a wrong clock (or a forged time) would win every field for ever.
 * Returns the observation unchanged when nothing was clamped.
 */
export function clampFutureTimes(observation: Observation, now: Date): { observation: Observation; clamped: string[] } {
  const limit = now.getTime() + MAX_FUTURE_SKEW_MS;
  const nowIso = now.toISOString();
  const clamped: string[] = [];
  const clamp = (at: string, name: string) => {
    if (Date.parse(at) <= limit) return at;
    clamped.push(name);
    return nowIso;
  };
  const observedAt = clamp(observation.observedAt, 'observedAt');
  const fieldTimes = observation.fieldTimes
    ? Object.fromEntries(Object.entries(observation.fieldTimes).map(([name, at]) => [name, clamp(at, name)]))
    : undefined;
  if (clamped.length === 0) return { observation, clamped };
  return { observation: { ...observation, observedAt, ...(fieldTimes ? { fieldTimes } : {}) }, clamped };
}
