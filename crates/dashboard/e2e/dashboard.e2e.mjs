// End-to-end test of the tradewire dashboard in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core). Run by `cargo xtask dashboard e2e`, which starts
// `tradewire dashboard --simulator --port 0` and passes its URL:
//
//   node dashboard.e2e.mjs http://127.0.0.1:PORT/ OUT_DIR
//
// Opens the page, waits for candles on the chart and for the book and tape to update, drops
// every simulator connection (POST /control/drop-connections), waits for the status badge to go
// to `reconnecting` and back to `connected` with data flowing again, and saves
// OUT_DIR/dashboard.png. Timeouts only guard against hanging; nothing is timed.
// Exits non-zero with a message on any failure (and saves OUT_DIR/dashboard-failure.png).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error('usage: node dashboard.e2e.mjs URL OUT_DIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const GUARD_MS = 60_000; // per step
const TOTAL_GUARD_MS = 240_000; // whole test
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

setTimeout(() => {
  console.error(`dashboard e2e: FAILED: the whole test took over ${TOTAL_GUARD_MS / 1000}s`);
  process.exit(1);
}, TOTAL_GUARD_MS).unref();

const log = (...a) => console.log('dashboard e2e:', ...a);
const pageErrors = [];

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 810 } });
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => {
  if (m.type() === 'error') console.log('  [page console error]', m.text());
});

/** The counters and badge as the page shows them. */
async function snapshot() {
  return page.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    return {
      state: $('status').dataset.state,
      attempt: Number($('status').dataset.attempt),
      badge: $('status').textContent,
      candles: Number($('chart').dataset.candles),
      updates: Number($('book').dataset.updates),
      trades: Number($('tape').dataset.trades),
      bids: document.querySelectorAll('#book .lvl.bid:not(.empty)').length,
      asks: document.querySelectorAll('#book .lvl.ask:not(.empty)').length,
      spread: document.querySelector('#book .spread')?.textContent ?? '',
      notice: $('notice').textContent,
    };
  });
}

/** Waits until `predicate(snapshot)` holds; `what` names it in the failure. */
async function until(what, predicate) {
  const deadline = Date.now() + GUARD_MS;
  let last;
  for (;;) {
    last = await snapshot();
    if (pageErrors.length) throw new Error(`page error while waiting for ${what}: ${pageErrors.join(' | ')}`);
    if (predicate(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; page shows ${JSON.stringify(last)}`);
    }
    await page.waitForTimeout(100);
  }
}

try {
  log(`opening ${url}`);
  await page.goto(url);

  const first = await until('candles on the chart', (s) => s.candles > 0);
  log(`chart has ${first.candles} candles`);
  const live = await until('the badge to show connected', (s) => s.state === 'connected');
  log(`badge: "${live.badge}"`);
  const flowing = await until('the book and the tape to update',
    (s) => s.updates > live.updates && s.trades > live.trades);
  log(`book updates ${flowing.updates}, trades ${flowing.trades}`);
  const book = await until('20 bid and 20 ask levels with a spread',
    (s) => s.bids === 20 && s.asks === 20 && /spread \d/.test(s.spread));
  log(`ladder: ${book.bids} bids, ${book.asks} asks, "${book.spread}"`);

  // Record every badge state from now on, from the mutation records themselves (old values and
  // removed text), so states that follow each other within one task are not missed either.
  await page.evaluate(() => {
    const status = document.getElementById('status');
    window.__badge = { states: [], attempts: [], texts: [] };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.attributeName === 'data-state') window.__badge.states.push(r.oldValue);
        if (r.type === 'attributes' && r.attributeName === 'data-attempt') window.__badge.attempts.push(Number(r.oldValue));
        if (r.type === 'childList') for (const n of r.removedNodes) window.__badge.texts.push(n.textContent);
      }
    }).observe(status, { attributes: true, attributeOldValue: true, attributeFilter: ['data-state', 'data-attempt'], childList: true });
  });
  /** Every state, attempt and text the badge showed since the observer was installed. */
  const badgeHistory = () => page.evaluate(() => {
    const status = document.getElementById('status');
    const b = window.__badge;
    // Each old value was shown before its change; the current one is shown now. The first old
    // value is what was shown when recording started.
    return {
      states: [...b.states, status.dataset.state],
      attempts: [...b.attempts, Number(status.dataset.attempt)],
      texts: [...b.texts, status.textContent],
    };
  });

  const response = await fetch(new URL('control/drop-connections', url), { method: 'POST' });
  if (!response.ok) throw new Error(`POST /control/drop-connections answered ${response.status}`);
  const dropped = await response.json();
  log(`dropped the simulators' connections: ${JSON.stringify(dropped)}`);
  if (!(dropped.dropped.binance > 0)) throw new Error(`the Binance simulator had no connection to drop: ${JSON.stringify(dropped)}`);

  const deadline = Date.now() + GUARD_MS;
  let seen;
  for (;;) {
    seen = await badgeHistory();
    const r = seen.states.indexOf('reconnecting');
    if (r >= 0 && seen.states.slice(r).includes('connected')) break;
    if (pageErrors.length) throw new Error(`page error during the reconnect: ${pageErrors.join(' | ')}`);
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for reconnecting then connected; badge went through ${JSON.stringify(seen.texts)}`);
    }
    await page.waitForTimeout(50);
  }
  const attempt = Math.max(...seen.attempts);
  const text = seen.texts.find((t) => t.startsWith('reconnecting'));
  if (!(attempt >= 1) || !/^reconnecting \(attempt [1-9]\d*\)$/.test(text ?? '')) {
    throw new Error(`the reconnecting badge is wrong: attempts ${JSON.stringify(seen.attempts)}, texts ${JSON.stringify(seen.texts)}`);
  }
  log(`badge went to "${text}" and back to connected`);

  const back = await until('connected', (s) => s.state === 'connected');
  const again = await until('the book and the tape to update after the reconnect',
    (s) => s.updates > back.updates && s.trades > back.trades && s.state === 'connected');
  log(`after the reconnect: book updates ${again.updates}, trades ${again.trades}, badge "${again.badge}"`);
  // Let the chart's live candle and the tape settle on a fresh frame for the picture.
  await page.waitForTimeout(1000);
  const shot = join(outDir, 'dashboard.png');
  await page.screenshot({ path: shot });
  log(`screenshot: ${shot}`);
  log('PASSED');
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error(`dashboard e2e: FAILED: ${e.message}`);
  try {
    const shot = join(outDir, 'dashboard-failure.png');
    await page.screenshot({ path: shot });
    console.error(`dashboard e2e: failure screenshot: ${shot}`);
  } catch {
    // the page is gone
  }
  await browser.close().catch(() => {});
  process.exit(1);
}
