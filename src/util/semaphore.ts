/** Runs at most `size` tasks at once; the rest wait their turn in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** One semaphore per key (for example per host), created on first use. */
export class KeyedSemaphore {
  private readonly byKey = new Map<string, Semaphore>();
  constructor(private readonly size: number) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let s = this.byKey.get(key);
    if (!s) this.byKey.set(key, (s = new Semaphore(this.size)));
    return s.run(task);
  }
}
