import { readdirSync, readFileSync } from 'node:fs';

const FEEDS = new URL('../fixtures/feeds/', import.meta.url);

/** The exact bytes of a feed fixture under test/fixtures/feeds/. */
export function feedFixture(name: string): Buffer {
  return readFileSync(new URL(name, FEEDS));
}

/** Every feed fixture's file name. */
export function feedFixtureNames(): string[] {
  return readdirSync(FEEDS).filter((n) => !n.startsWith('.') && n !== 'README.md');
}
