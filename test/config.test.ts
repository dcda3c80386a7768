import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('gives documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.timeZone).toBe('UTC');
    expect(c.logLevel).toBe('info');
    expect(c.readKeyRequired).toBe(false);
    expect(c.fetch.maxBytes).toBe(10 * 1024 * 1024);
    expect(c.heapGrowthPercent).toBe(50);
  });

  it.each([
    ['PORT', 'abc', /^PORT: expected a whole number/],
    ['PORT', '70000', /^PORT: /],
    ['DATABASE_URL', 'mysql://x', /^DATABASE_URL: expected a postgres/],
    ['PULSE_TZ', 'Mars/Olympus', /^PULSE_TZ: expected an IANA time zone/],
    ['PULSE_LOG_LEVEL', 'loud', /^PULSE_LOG_LEVEL: /],
    ['PULSE_READ_KEY_REQUIRED', 'maybe', /^PULSE_READ_KEY_REQUIRED: expected true or false/],
    ['PULSE_HEAP_GROWTH_PERCENT', '-5', /^PULSE_HEAP_GROWTH_PERCENT: /],
  ])('rejects %s=%s with one line naming it', (name, value, pattern) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).not.toContain('\n');
  });

  it('treats empty values as unset and accepts zones and booleans', () => {
    const c = loadConfig({ PORT: '', PULSE_TZ: 'Europe/London', PULSE_READ_KEY_REQUIRED: 'true', PORT_UNUSED: 'x' });
    expect(c.port).toBe(3000);
    expect(c.timeZone).toBe('Europe/London');
    expect(c.readKeyRequired).toBe(true);
  });
});
