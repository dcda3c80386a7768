import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
export function report(name: string, figures: Record<string, unknown>, opts: { merge?: boolean } = {}) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  // a run of some parts only keeps the other parts' figures from the last full run
  const file = `${dir}${name}.json`;
  const before = opts.merge && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const out = { ...before, benchmark: name, at: new Date().toISOString(), node: process.version, ...figures };
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(JSON.stringify(out, null, 2));
}

/**
 * SQL that inserts labelled synthetic items `from`..`to` (a setseed() before makes it repeatable):
 * 40 sources, titles naming a studio and an AI topic, two years of dates, tags, stances and
 * concerns in fixed proportions. Shared by bench/trends.ts and bench/scale.ts.
 */
export function syntheticItemsSql(from: number, to: number): string {
  return `
    insert into items (source_id, url, title, summary, published_at, fetched_at, content_hash, studios, unions, areas, status, relevant, stance, confidence, concerns, explanation, model, classified_at)
    select 1 + (g % 40),
           'https://bench.example.org/item/' || g,
           (array['Guild warns on','Studio unveils','Animators react to','Union demands limits on','Executives praise','Critics question'])[1 + g % 6] || ' ' ||
             (array['generative AI','digital replicas','AI dubbing','AI previs','voice cloning','AI storyboards'])[1 + (g / 7) % 6] || ' at ' ||
             (array['Netflix','Disney','Sony','Warner Bros. Discovery','Paramount','Amazon MGM','Lionsgate','A24'])[1 + (g / 3) % 8],
           'Summary of item ' || g || ' about ' || (array['jobs','consent','pay','credit','training data','creative control'])[1 + g % 6],
           timestamptz '2024-01-01' + (random() * interval '730 days'),
           now(), md5(g::text),
           array[(array['Netflix','Disney','Sony','Warner Bros. Discovery','Paramount','Amazon MGM','Lionsgate','A24'])[1 + (g / 3) % 8]],
           case when g % 5 = 0 then array['SAG-AFTRA'] when g % 5 = 1 then array['WGA'] else '{}'::text[] end,
           array[(array['vfx','writing','acting_likeness','voice_dubbing','animation'])[1 + g % 5]],
           'classified', g % 10 <> 0,
           (array['excitement','worry','neutral'])[1 + floor(random() * 3)::int]::stance,
           0.5 + random() / 2,
           case when g % 3 = 1 then array[(array['job_displacement','consent_likeness','compensation'])[1 + g % 3]] else '{}'::text[] end,
           jsonb_build_object('terms', '[]'::jsonb, 'sentence', 'Quote ' || g), 'bench-model', now()
    from generate_series(${from}, ${to}) g`;
}
