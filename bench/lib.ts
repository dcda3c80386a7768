import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Samples resident memory every 20 ms; `stop()` returns the peak in MB. */
export function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return Math.round(peak / 1024 / 1024);
    },
  };
}

/** Writes a benchmark's figures to bench/results/<name>.json and prints them. */
export function report(name: string, figures: Record<string, unknown>) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const out = { benchmark: name, at: new Date().toISOString(), node: process.version, ...figures };
  writeFileSync(`${dir}${name}.json`, JSON.stringify(out, null, 2) + '\n');
  console.log(JSON.stringify(out, null, 2));
}
