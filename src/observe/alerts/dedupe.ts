/** Suppresses an alert seen within the window before: a flapping task pages once, not every minute. */
export class DedupeWindow {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time a key is seen in a window; records it. */
  admit(key: string): boolean {
    const now = this.now();
    const last = this.lastSent.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.lastSent.set(key, now);
    this.forgetOld(now);
    return true;
  }

  /** Keeps the map bounded over a long-lived process. */
  private forgetOld(now: number): void {
    if (this.lastSent.size < 1024) return;
    for (const [key, at] of this.lastSent) if (now - at >= this.windowMs) this.lastSent.delete(key);
  }
}
