// The browser half of WebConsoleIT: Debian's headless Chromium, driven by playwright-core, logs in to
// the Karaf web console of the running IceShare distribution and uses the IceShare page as an operator
// would. WebConsoleIT starts it (node webconsole-test.mjs) from target/browser, where the build ran
// `npm ci`, and checks the outcome in Karaf afterwards.
//
// Input (environment):
//   ICESHARE_CONSOLE_URL  the IceShare page, e.g. http://127.0.0.1:8181/system/console/iceshare
//   ICESHARE_USER, ICESHARE_PASSWORD   console credentials (HTTP Basic)
//   ICESHARE_SCHEDULER    the file scheduler to switch to from the page
//   ICESHARE_PLAY_PEER    the peer whose swarm the in-page player plays (default: the first row's)
//   ICESHARE_SCREENSHOT   where to save the screenshot (PNG)
//   ICESHARE_PROFILE_DIR  parent folder of the fresh Chromium profile (default: the system temp folder)
//   CHROMIUM              the browser (default /usr/bin/chromium, from Debian's chromium package)
// Output: progress lines on stdout, a last line "RESULT {json}"; exit code 0 when every step passed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

function need(name) {
  const v = process.env[name];
  if (!v) { throw new Error('environment variable ' + name + ' is not set'); }
  return v;
}
const started = Date.now();
const log = (...args) => console.log('[webconsole-test +' + ((Date.now() - started) / 1000).toFixed(1) + 's]', ...args);

const consoleUrl = need('ICESHARE_CONSOLE_URL');
const user = need('ICESHARE_USER');
const password = need('ICESHARE_PASSWORD');
const targetScheduler = need('ICESHARE_SCHEDULER');
const screenshot = need('ICESHARE_SCREENSHOT');
const playPeer = process.env.ICESHARE_PLAY_PEER || '';
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const profileParent = process.env.ICESHARE_PROFILE_DIR || tmpdir();
mkdirSync(profileParent, { recursive: true });
mkdirSync(path.dirname(screenshot), { recursive: true });
// a new, empty profile for every run
const userDataDir = mkdtempSync(path.join(profileParent, 'chromium-profile-'));

const result = { steps: [] };
let context;
let page;

async function credentialsInUrlAt1400() {
  const withCredentials = new URL(consoleUrl);
  withCredentials.username = user;
  withCredentials.password = password;
  const dir = mkdtempSync(path.join(profileParent, 'chromium-profile-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--mute-audio'],
    viewport: { width: 1400, height: 900 },
  });
  const p = ctx.pages()[0] || await ctx.newPage();
  const failed = screenshot.replace(/\.png$/, '') + '-1400-failure.png';
  try {
    p.on('pageerror', (e) => log('page error (credentials in the URL):', e.message));
    const response = await p.goto(withCredentials.href, { waitUntil: 'domcontentloaded' });
    if (!response || response.status() !== 200) {
      throw new Error('the IceShare page opened with credentials in its URL answered ' + (response && response.status()));
    }
    const swarmRows = '#iceshare-swarms tbody tr[data-content]';
    await p.waitForSelector(swarmRows, { timeout: 30000 }).catch(async (e) => {
      const shown = await p.$eval('#iceshare-swarms tbody', (b) => b.innerText).catch(() => '?');
      const status = await p.$eval('#iceshare-updated', (u) => u.textContent).catch(() => '?');
      throw new Error('opened with credentials in its URL, the swarm list shows no swarm: "' + shown.trim()
        + '"; status line: "' + status + '" (' + e.message.split('\n')[0] + ')');
    });
    const swarms = await p.$$eval(swarmRows, (trs) => trs.map((tr) => tr.dataset.peer + ' ' + tr.dataset.content));
    log('credentials in the URL: the swarm list shows', swarms.length, 'swarms:', swarms.join(', '));
    result.credentialsInUrl = { swarms };
    result.steps.push('credentials-in-url');

    // the first swarm's detail opens by itself; wait for its peers table (the tracker's peers)
    await p.waitForFunction(() => document.querySelectorAll('#iceshare-peers tbody tr').length > 0, null,
      { timeout: 30000 });
    const layout = await p.evaluate(() => {
      const box = (e) => e.getBoundingClientRect();
      const peers = document.getElementById('iceshare-peers');
      const column = peers.closest('section');
      const out = [];
      const width = window.innerWidth;
      const page = document.documentElement.scrollWidth;
      if (page > width) { out.push('the page is ' + page + ' px wide in a ' + width + ' px window'); }
      if (box(peers).right > box(column).right + 0.5) {
        out.push('the peers table ends at ' + box(peers).right.toFixed(0) + ' px, past its column\'s right edge at '
          + box(column).right.toFixed(0) + ' px');
      }
      if (column.scrollWidth > column.clientWidth) {
        out.push('the swarm detail column holds ' + column.scrollWidth + ' px of content in ' + column.clientWidth
          + ' px');
      }
      // every table of the page inside its own box, and every box inside the window
      document.querySelectorAll('#iceshare table').forEach((t) => {
        const parent = t.parentElement;
        if (box(t).right > box(parent).right + 0.5 || box(t).right > width) {
          out.push('table #' + t.id + ' ends at ' + box(t).right.toFixed(0) + ' px, its box at '
            + box(parent).right.toFixed(0) + ' px');
        }
      });
      peers.querySelectorAll('td, th').forEach((c) => {
        if (box(c).right > box(column).right + 0.5) {
          out.push('peers table cell "' + c.textContent.trim().slice(0, 30) + '" ends at ' + box(c).right.toFixed(0)
            + ' px, past ' + box(column).right.toFixed(0) + ' px');
        }
      });
      return { problems: out, window: width, page, table: Math.round(box(peers).width),
        column: Math.round(box(column).width), rows: peers.tBodies[0].rows.length };
    });
    log('layout at 1400x900:', JSON.stringify(layout));
    if (layout.problems.length) {
      throw new Error('at a 1400x900 window the swarm detail overflows: ' + layout.problems.slice(0, 6).join('; '));
    }
    result.layout1400 = layout;
    result.steps.push('layout-1400');
  } catch (e) {
    await p.screenshot({ path: failed, fullPage: true }).then(() => log('failure screenshot:', failed), () => {});
    throw e;
  } finally {
    await ctx.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}
try {
  // headless: true makes Playwright pass --headless; the other flags are the ones this machine needs
  // (without the background-networking ones Chromium keeps calling Google's hosts, which are closed here).
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--mute-audio'],
    httpCredentials: { username: user, password },
    viewport: { width: 1400, height: 1300 },
  });
  page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => log('page error:', e.message));
  // (Karaf's console links a favicon it does not have: that 404 is not the page's, so resource errors are
  // logged from the responses below, with their URL, rather than from the console.)
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) { log('console error:', m.text()); }
  });
  page.on('response', (r) => { if (r.status() >= 400) { log('HTTP', r.status(), r.url()); } });

  // 0. the page opened with the credentials in its URL (http://user:pass@host/...), in a browser that has
  //    no other credentials, at a 1400x900 window: the swarm list shows the swarms (the page's requests
  //    must not carry the URL's credentials, which fetch() refuses), and with a swarm's detail open
  //    nothing spills out of its column or the page.
  await credentialsInUrlAt1400();

  // 1. log in (HTTP Basic through the context's credentials) and open the IceShare page
  const response = await page.goto(consoleUrl, { waitUntil: 'domcontentloaded' });
  if (!response || response.status() !== 200) {
    throw new Error('the IceShare page answered ' + (response && response.status()) + ' after logging in');
  }
  await page.waitForSelector('#iceshare', { timeout: 15000 });
  const title = await page.title();
  log('logged in as', user, '- page title:', JSON.stringify(title));
  result.steps.push('login');

  // 1b. the refusals of the container (connection caps, budgets, slow frames, ...): the table and its total
  await page.waitForFunction(() => /^\(\d+ since start\)$/.test(document.getElementById('iceshare-refusals-total').textContent),
    null, { timeout: 30000 });
  const refusals = await page.$eval('#iceshare-refusals', (t) => ({ total: document.getElementById('iceshare-refusals-total').textContent,
    rows: t.tBodies[0].rows.length, first: t.tBodies[0].rows[0].innerText }));
  log('refusals on the page:', JSON.stringify(refusals));
  if (refusals.rows < 1) {
    throw new Error('the Refusals table is empty: ' + JSON.stringify(refusals));
  }
  result.steps.push('refusals');

  // 2. a swarm that is moving: its bytes or verified pieces change between two polls
  const rows = '#iceshare-swarms tbody tr[data-content]';
  await page.waitForSelector(rows, { timeout: 30000 });
  const readRows = () => page.$$eval(rows, (trs) => trs.map((tr) => ({
    peer: tr.dataset.peer, content: tr.dataset.content, bytes: Number(tr.dataset.bytes),
    verified: Number(tr.dataset.verified), state: tr.dataset.state })));
  const before = await readRows();
  log('swarms on the page:', JSON.stringify(before));
  const moved = await page.waitForFunction(({ sel, before }) => {
    for (const tr of document.querySelectorAll(sel)) {
      const b = before.find((r) => r.peer === tr.dataset.peer && r.content === tr.dataset.content);
      if (b && (Number(tr.dataset.bytes) !== b.bytes || Number(tr.dataset.verified) !== b.verified)) {
        return { peer: tr.dataset.peer, content: tr.dataset.content, from: b.bytes, to: Number(tr.dataset.bytes),
          verifiedFrom: b.verified, verifiedTo: Number(tr.dataset.verified) };
      }
    }
    return null;
  }, { sel: rows, before }, { timeout: 30000, polling: 250 });
  result.moving = await moved.jsonValue();
  log('a swarm is moving:', JSON.stringify(result.moving));
  result.steps.push('moving');

  // 3. switch the file scheduler from the page
  const select = '#iceshare-scheduler-file';
  await page.waitForFunction((s) => document.querySelector(s).options.length > 0, select, { timeout: 15000 });
  const options = await page.$$eval(select + ' option', (os) => os.map((o) => o.value));
  const current = await page.$eval(select, (s) => s.value);
  if (!options.includes(targetScheduler)) {
    throw new Error('scheduler ' + targetScheduler + ' is not offered; the page offers ' + options.join(', '));
  }
  log('file scheduler on the page:', current, '- offered:', options.join(', '));
  await page.selectOption(select, targetScheduler);
  await page.waitForFunction((want) => {
    const m = document.getElementById('iceshare-scheduler-msg');
    return m.textContent.includes('is now ' + want) && !m.classList.contains('iceshare-error');
  }, targetScheduler, { timeout: 15000 });
  result.scheduler = { from: current, to: targetScheduler,
    message: await page.$eval('#iceshare-scheduler-msg', (m) => m.textContent) };
  log('switched:', result.scheduler.message);
  result.steps.push('scheduler');

  // 4. the in-page player: press play on a swarm and watch currentTime advance
  const playButton = playPeer
    ? rows.replace('[data-content]', '[data-peer="' + playPeer + '"]') + ' button.iceshare-play'
    : rows + ' button.iceshare-play';
  await page.locator(playButton).first().click({ timeout: 15000 });
  const media = '.iceshare-media:not([hidden])';
  const src = await page.$eval(media, (m) => m.currentSrc || m.src);
  log('playing', src);
  const playing = await page.waitForFunction((sel) => {
    const m = document.querySelector(sel);
    if (m.error) { return { error: m.error.code + ' ' + (m.error.message || '') }; }
    return m.currentTime > 0 ? { t: m.currentTime } : null;
  }, media, { timeout: 60000, polling: 200 });
  const t1 = await playing.jsonValue();
  if (t1.error) { throw new Error('the media element failed: ' + t1.error); }
  const advanced = await page.waitForFunction(({ sel, t }) => {
    const m = document.querySelector(sel);
    return m.currentTime >= t + 1.5 ? { t: m.currentTime, paused: m.paused, readyState: m.readyState } : null;
  }, { sel: media, t: t1.t }, { timeout: 30000, polling: 200 });
  const t2 = await advanced.jsonValue();
  result.player = { src, from: t1.t, to: t2.t, readyState: t2.readyState };
  log('currentTime advanced from', t1.t.toFixed(2), 'to', t2.t.toFixed(2), 's');
  result.steps.push('player');

  // 5. the screenshot, with the page as the operator sees it (after one more poll, for a fresh chart)
  const stamp = await page.$eval('#iceshare-updated', (e) => e.textContent);
  await page.waitForFunction((s) => document.getElementById('iceshare-updated').textContent !== s, stamp,
    { timeout: 10000 });
  await page.screenshot({ path: screenshot, fullPage: true });
  result.screenshot = screenshot;
  log('screenshot saved to', screenshot);
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e && e.stack ? e.stack : e);
  log('FAILED:', result.error);
  if (page) {
    const failed = screenshot.replace(/\.png$/, '') + '-failure.png';
    await page.screenshot({ path: failed, fullPage: true }).then(() => log('failure screenshot:', failed),
      () => {});
  }
} finally {
  if (context) { await context.close().catch(() => {}); }
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log('RESULT ' + JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
