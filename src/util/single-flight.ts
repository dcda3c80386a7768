/**
 * Runs one computation per key at a time: callers that ask for a key while it is being computed
 * share that computation's result (or error) instead of starting their own. When a cached answer
 * expires under load, this is what keeps thirty requests from running the same query at once.
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  run(key: string, compute: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key);
    if (running) return running;
    const started = compute().finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return started;
  }

  /** How many keys are being computed now. */
  get size(): number {
    return this.inflight.size;
  }
}
