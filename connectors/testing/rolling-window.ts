/** A vendor's rolling rate limit, as the fakes enforce it: at most `max` requests in any `intervalMs`. */
export class RollingWindow {
  private stamps: number[] = [];

  constructor(
    private readonly max: number,
    private readonly intervalMs: number,
  ) {}

  /** Counts the request and returns undefined, or returns how long until a slot frees. */
  take(at: number): number | undefined {
    this.prune(at);
    if (this.stamps.length >= this.max) return (this.stamps[0] ?? at) + this.intervalMs - at;
    this.stamps.push(at);
    return undefined;
  }

  used(at: number): number {
    this.prune(at);
    return this.stamps.length;
  }

  usedWithin(at: number, ms: number): number {
    return this.stamps.filter((stamp) => stamp > at - ms).length;
  }

  private prune(at: number): void {
    while (this.stamps.length > 0 && (this.stamps[0] ?? at) <= at - this.intervalMs) this.stamps.shift();
  }
}
