#!/usr/bin/env node
/**
 * Summarises a V8 heap snapshot (from `node bench/run.mjs --profile=DIR`, taken with every
 * participant connected): self size and count per constructor, largest first, so the memory per
 * participant can be split into what each connection holds.
 *
 *   node bench/tools/heap-summary.mjs FILE.heapsnapshot [--top=30] [--per=1000]
 *
 * --per divides counts and sizes by the number of participants (bytes and objects per participant).
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const opt = Object.fromEntries(args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')));
if (!file) {
  console.error('usage: heap-summary.mjs FILE.heapsnapshot [--top=30] [--per=N]');
  process.exit(2);
}
const top = Number(opt.top ?? 30);
const per = Number(opt.per ?? 1);
const snapshot = JSON.parse(readFileSync(file, 'utf8'));
const meta = snapshot.snapshot.meta;
const fields = meta.node_fields;
const types = meta.node_types[0];
const width = fields.length;
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const nodes = snapshot.nodes;
const strings = snapshot.strings;
const groups = new Map();
let total = 0;
for (let i = 0; i < nodes.length; i += width) {
  const type = types[nodes[i + iType]];
  const size = nodes[i + iSize];
  total += size;
  let name = strings[nodes[i + iName]];
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(strings)';
  else if (type === 'code') name = '(compiled code)';
  else if (type === 'hidden' || type === 'array') name = `(${type}) ${name}`.slice(0, 60);
  else if (type === 'closure') name = `(closure) ${name}`;
  else if (type === 'native') name = `(native) ${name}`.slice(0, 60);
  else name = name.slice(0, 60);
  const g = groups.get(name) ?? { count: 0, size: 0 };
  g.count++;
  g.size += size;
  groups.set(name, g);
}
console.log(`${file}: ${(total / 2 ** 20).toFixed(1)} MB in ${nodes.length / width} objects${per > 1 ? `; per ${per}: ${(total / per / 1024).toFixed(1)} KB` : ''}`);
console.log(`| constructor | count${per > 1 ? ' per participant' : ''} | self size${per > 1 ? ' per participant' : ''} |`);
console.log('| --- | ---: | ---: |');
for (const [name, g] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
  const count = per > 1 ? (g.count / per).toFixed(1) : String(g.count);
  const size = per > 1 ? `${(g.size / per / 1024).toFixed(2)} KB` : `${(g.size / 1024).toFixed(0)} KB`;
  console.log(`| ${name.replace(/\|/g, '/')} | ${count} | ${size} |`);
}
