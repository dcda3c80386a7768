import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCorpus, readExamples, splitFiles, WRITERS_DIR } from '../src/classify/corpus.ts';
import { defaultModel } from '../src/classify/model.ts';
import { fixedClock } from '../src/clock.ts';
import { annotate } from '../src/services/validation.ts';
import { openAndMigrate } from '../src/runtime.ts';
import { runPulse } from './helpers/cli.ts';
import { testConfig } from './helpers/app.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulse-validation-cli-'));
const env = { PULSE_DATA_DIR: join(dir, 'data'), PULSE_LOG_LEVEL: 'silent', PULSE_SEED_SOURCES: 'false', DATABASE_URL: undefined };

beforeAll(async () => {
  const database = await openAndMigrate({ ...testConfig(), dataDir: env.PULSE_DATA_DIR, databaseUrl: undefined });
  try {
    const src = await makeSource(database.db, 'news');
    const examples = splitFiles('dev').flatMap(readExamples).slice(0, 40);
    const ids = await makeItems(
      database.db,
      examples.map((e, k) => ({
        sourceId: src,
        stance: 'neutral',
        relevant: true,
        title: e.text.slice(0, 120),
        summary: e.text,
        publishedAt: new Date(Date.UTC(2025, 6, 1 + (k % 20), 12)),
      })),
    );
    const deps = { db: database.db, clock: fixedClock('2025-07-22T00:00:00Z'), model: defaultModel() };
    for (const [k, e] of examples.entries())
      await annotate(deps, { itemId: ids[k]!, coder: 'ana', stance: e.stance, relevant: e.relevant, concerns: e.concerns });
  } finally {
    await database.close();
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pulse sample, annotations and train --with-annotations', () => {
  it('draws a sample, exports and imports annotations, and retrains reporting before/after on held-out coded items', {
    timeout: 240_000,
  }, async () => {
    const s = await runPulse(['sample', '--n', '10', '--seed', '4', '--stratify', 'stance', '--name', 'cli'], env);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^sample 1 "cli": 10 of 40 items, seed 4, stratified by stance/);
    expect((await runPulse(['sample', '--n', 'ten'], env)).code).toBe(2);
    const exported = await runPulse(['annotations', 'export'], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split('\n')).toHaveLength(41);
    const file = join(dir, 'a.csv');
    writeFileSync(file, exported.stdout.replaceAll(',ana,', ',ben,'));
    const imported = await runPulse(['annotations', 'import', file], env);
    expect(imported.stdout).toContain('imported 40 annotations of 40 items');
    const out = join(dir, 'model.json');
    // two writers' files, English and Spanish, as a corpus of their own: the retrain takes seconds,
    // where the whole corpus takes a minute (test/classifier.test.ts rebuilds that one)
    const corpus = join(dir, 'corpus');
    mkdirSync(join(corpus, 'writers'), { recursive: true });
    for (const w of ['short-hard', 'es-mexico']) copyFileSync(join(WRITERS_DIR, `${w}.jsonl`), join(corpus, 'writers', `${w}.jsonl`));
    expect((await runPulse(['train', '--corpus', join(dir, 'nowhere'), '--out', out], env)).stderr).toMatch(
      /^pulse train: --corpus: no directory/,
    );
    expect((await runPulse(['train', '--corpus', file, '--out', out], env)).stderr).toMatch(/^pulse train: --corpus: no directory/);
    const t = await runPulse(['train', '--with-annotations', '--corpus', corpus, '--out', out], env);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/with 28 coded items added; scored on 12 held-out coded items/);
    expect(t.stdout).toMatch(/before \(pulse-stance-lr-\d+\+\w+\): stance accuracy [\d.]+%/);
    expect(t.stdout).toMatch(/after +\(pulse-stance-lr-\d+\+\w+\): stance accuracy [\d.]+%/);
    const { trainedOn } = JSON.parse(readFileSync(out, 'utf8'));
    expect(trainedOn.writers).toEqual(['es-mexico', 'short-hard', 'annotations']);
    // the two writers' train split and the 28 coded items (less any text preparation drops)
    const corpusTrain = readCorpus({ dir: corpus }).filter((e) => e.split === 'train').length;
    expect(trainedOn.examples).toBeGreaterThan(corpusTrain);
    expect(trainedOn.examples).toBeLessThanOrEqual(corpusTrain + 28);
  });
});
