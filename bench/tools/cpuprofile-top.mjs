#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `node bench/run.mjs --profile=DIR`):
 * the functions with the most self time and the most inclusive time.
 *
 *   node bench/tools/cpuprofile-top.mjs FILE.cpuprofile [--top=25] [--from=MS --to=MS] [--filter=TEXT]
 *
 * --from/--to limit the summary to a window on the machine's monotonic clock in ms, the clock the
 * benchmark's stall list uses (the profile's timestamps are the same clock in microseconds), so a
 * single event-loop stall can be looked at on its own. --filter keeps only frames whose URL
 * contains TEXT in the inclusive list (e.g. --filter=server/dist).
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const opt = Object.fromEntries(args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')));
if (!file) {
  console.error('usage: cpuprofile-top.mjs FILE.cpuprofile [--top=25] [--from=MS --to=MS] [--filter=TEXT]');
  process.exit(2);
}
const top = Number(opt.top ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const from = opt.from ? Number(opt.from) * 1000 : -Infinity;
const to = opt.to ? Number(opt.to) * 1000 : Infinity;
const self = new Map();
const inclusive = new Map();
let t = profile.startTime;
let total = 0;
const label = (n) => {
  const f = n.callFrame;
  const url = f.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'node_modules/').replace(/.*\/(server|bench)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${url}${f.url ? `:${f.lineNumber + 1}` : ''}`;
};
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  const dt = profile.timeDeltas[i + 1] ?? 0;
  if (t < from || t > to) continue;
  const node = nodes.get(profile.samples[i]);
  const ms = dt / 1000;
  total += ms;
  const key = label(node);
  self.set(key, (self.get(key) ?? 0) + ms);
  const seen = new Set();
  for (let id = node.id; id !== undefined; id = parent.get(id)) {
    const k = label(nodes.get(id));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
  }
}
const print = (title, map, filter) => {
  console.log(`\n${title}`);
  const rows = [...map].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, ms] of rows) console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${k}`);
};
console.log(`${file}: ${total.toFixed(0)} ms sampled${Number.isFinite(from) ? ` in [${opt.from}, ${opt.to}]` : ''}`);
print('self time', self);
print('inclusive time', inclusive, opt.filter);
