import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Screenshots land here (ignored by git). */
export const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));

/** Headless Debian Chromium driven by playwright-core, with the flags this closed network needs. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

type BrowserPage = import('playwright-core').Page;

/** Records console errors, page errors and requests that leave `base`, for a page's life. */
export function watchPage(page: BrowserPage, base: string) {
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => !r.url().startsWith(base) && !r.url().startsWith('data:') && foreign.push(r.url()));
  return { errors, foreign };
}

/**
 * Presses Tab from the top of the page until focus wraps or `max` presses, and returns the
 * interactive elements (links, buttons, inputs, selects, summaries) that were never focused.
 */
export async function unreachedByKeyboard(page: BrowserPage, max = 400): Promise<string[]> {
  await page.evaluate(`(() => {
    let n = 0;
    for (const e of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      e.setAttribute('data-kb', String(n++));
    }
    document.activeElement && document.activeElement.blur();
    window.__kbSeen = new Set();
    document.addEventListener('focusin', (ev) => { const k = ev.target.getAttribute && ev.target.getAttribute('data-kb'); if (k) window.__kbSeen.add(k); });
  })()`);
  const total = await page.evaluate<number>("document.querySelectorAll('[data-kb]').length");
  for (let i = 0; i < Math.min(max, total + 3); i++) await page.keyboard.press('Tab');
  return page.evaluate<string[]>(
    "[...document.querySelectorAll('[data-kb]')].filter((e) => !window.__kbSeen.has(e.getAttribute('data-kb'))).map((e) => e.outerHTML.slice(0, 120))",
  );
}
