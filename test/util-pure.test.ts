import { describe, expect, it } from 'vitest';
import { KeyedSemaphore, Semaphore } from '../src/util/semaphore.ts';
import { SingleFlight } from '../src/util/single-flight.ts';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('runs at most `size` tasks at once and starts the waiting ones in order', async () => {
    const sem = new Semaphore(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      sem.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot when a task fails, and passes the error on', async () => {
    const sem = new Semaphore(1);
    await expect(sem.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await sem.run(async () => 'next')).toBe('next');
  });

  it('with size 1 never overlaps two tasks', async () => {
    const sem = new Semaphore(1);
    let active = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        sem.run(async () => {
          most = Math.max(most, ++active);
          await tick();
          active--;
        }),
      ),
    );
    expect(most).toBe(1);
  });
});

describe('KeyedSemaphore', () => {
  it('limits each key on its own', async () => {
    const sem = new KeyedSemaphore(1);
    const gate = deferred();
    const started: string[] = [];
    const a1 = sem.run('a', async () => {
      started.push('a1');
      await gate.promise;
    });
    const a2 = sem.run('a', async () => {
      started.push('a2');
    });
    const b1 = sem.run('b', async () => {
      started.push('b1');
    });
    await tick();
    expect(started).toEqual(['a1', 'b1']);
    gate.resolve();
    await Promise.all([a1, a2, b1]);
    expect(started).toEqual(['a1', 'b1', 'a2']);
  });
});

describe('SingleFlight', () => {
  it('shares one running computation between callers of one key', async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    let calls = 0;
    const compute = () => {
      calls++;
      return gate.promise;
    };
    const a = flight.run('k', compute);
    const b = flight.run('k', compute);
    expect(flight.size).toBe(1);
    gate.resolve(42);
    expect(await Promise.all([a, b])).toEqual([42, 42]);
    expect(calls).toBe(1);
  });

  it('runs other keys separately', async () => {
    const flight = new SingleFlight<string>();
    const a = flight.run('a', async () => 'A');
    const b = flight.run('b', async () => 'B');
    expect(flight.size).toBe(2);
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
  });

  it('forgets a key once its computation settles, so the next call computes again', async () => {
    const flight = new SingleFlight<number>();
    let calls = 0;
    await flight.run('k', async () => ++calls);
    expect(flight.size).toBe(0);
    expect(await flight.run('k', async () => ++calls)).toBe(2);
  });

  it('shares an error with every waiting caller and then forgets it', async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    const a = flight.run('k', () => gate.promise);
    const b = flight.run('k', async () => 0);
    gate.reject(new Error('down'));
    await expect(a).rejects.toThrow('down');
    await expect(b).rejects.toThrow('down');
    expect(flight.size).toBe(0);
    expect(await flight.run('k', async () => 7)).toBe(7);
  });
});

describe('export batch sizing', () => {
  it('scales the next batch toward 25 ms, at most doubling or halving, within 100 and 1,000 rows', async () => {
    const { nextBatchSize } = await import('../src/services/items.ts');
    expect(nextBatchSize(1000, 50)).toBe(500); // twice the target: half the rows
    expect(nextBatchSize(1000, 40)).toBe(625);
    expect(nextBatchSize(1000, 25)).toBe(1000);
    expect(nextBatchSize(1000, 1000)).toBe(500); // never more than halved at once
    expect(nextBatchSize(500, 1)).toBe(1000); // never more than doubled at once
    expect(nextBatchSize(500, 0)).toBe(1000);
    expect(nextBatchSize(150, 1000)).toBe(100);
    expect(nextBatchSize(800, 1)).toBe(1000);
  });
});
