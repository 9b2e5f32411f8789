// The participant's first load: the compressed JavaScript and CSS a browser fetches from opening
// the join link to the live workshop page, measured in Chromium against the built app.
//
//   nice npx vite build && nice npx tsc -b server   # the built client and server
//   node bench/first-load.mjs                       # starts a server on the built app
//   node bench/first-load.mjs --url=http://localhost:3000   # or measures a running one
//
// Prints every script and style sheet with its encoding and bytes on the wire, the totals per
// step, and whether the total stays within the budget (200 KB = 200,000 bytes). Exits with 1 when
// it does not.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from './lib/servers.mjs';

const BUDGET = 200_000;
const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));

async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'werkraum-first-load-'));
  const child = spawn(process.execPath, [join(ROOT, 'server/dist/index.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, RATE_LIMIT_CREATE: 'off', RATE_LIMIT_JOIN: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /running: (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const server = args.url ? { url: args.url, stop: async () => {} } : await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});
try {
  const created = await fetch(`${server.url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'Austauschtreffen Städtepartnerschaften',
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      language: 'de',
      description: 'Mit diesem Angebot laden wir alle hauptamtlichen Mitarbeiter:innen in Kulturbüros ein, sich auszutauschen.',
    }),
  }).then((response) => response.json());
  const participantLink = created.links.participant.replace(/^https?:\/\/[^/]+/, server.url);

  const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const loaded = [];
  let step = 'join page';
  page.on('requestfinished', async (request) => {
    const type = request.resourceType();
    if (type !== 'script' && type !== 'stylesheet') return;
    const entry = { step, type, name: new URL(request.url()).pathname, encoding: 'identity', bytes: 0 };
    loaded.push(entry);
    const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
    entry.bytes = sizes.responseBodySize;
    entry.encoding = (await response?.headerValue('content-encoding')) ?? 'identity';
  });

  await page.goto(participantLink);
  await page.getByLabel('Ihr Name').waitFor();
  await page.waitForLoadState('networkidle');
  step = 'workshop page';
  await page.getByLabel('Ihr Name').fill('Anna');
  await page.getByRole('button', { name: 'Beitreten' }).click();
  await page.getByRole('region', { name: /^Personen/ }).waitFor();
  await page.waitForLoadState('networkidle');
  // Chunks requested while the page settles (lazy panels) count too.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await page.waitForLoadState('networkidle');

  const kb = (bytes) => (bytes / 1000).toFixed(1).padStart(7);
  console.log(`\nParticipant's first load (${server.url}), bytes on the wire:\n`);
  for (const entry of loaded) console.log(`${entry.step.padEnd(14)} ${entry.type.padEnd(10)} ${entry.encoding.padEnd(8)} ${kb(entry.bytes)} KB  ${entry.name}`);
  const sum = (filter) => loaded.filter(filter).reduce((total, entry) => total + entry.bytes, 0);
  const total = sum(() => true);
  console.log('');
  for (const step of ['join page', 'workshop page']) {
    console.log(`${step.padEnd(14)} JS ${kb(sum((e) => e.step === step && e.type === 'script'))} KB   CSS ${kb(sum((e) => e.step === step && e.type === 'stylesheet'))} KB`);
  }
  console.log(`${'total'.padEnd(14)} JS ${kb(sum((e) => e.type === 'script'))} KB   CSS ${kb(sum((e) => e.type === 'stylesheet'))} KB   JS+CSS ${kb(total)} KB (budget ${BUDGET / 1000} KB: ${total <= BUDGET ? 'met' : 'MISSED'})`);
  const uncompressed = loaded.filter((entry) => entry.encoding === 'identity');
  if (uncompressed.length > 0) console.log(`uncompressed: ${uncompressed.map((entry) => entry.name).join(', ')}`);
  process.exitCode = total <= BUDGET && uncompressed.length === 0 ? 0 : 1;
} finally {
  await browser.close();
  await server.stop();
}
