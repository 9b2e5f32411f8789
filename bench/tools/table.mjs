#!/usr/bin/env node
/**
 * Prints the benchmark's tables again from saved result files (bench/results/*.json), merging
 * several files: part A runs as they are (the last run of a scenario wins), part B runs pooled, so
 * repetitions from separate invocations count together.
 *
 *   node bench/tools/table.mjs bench/results/A.json [bench/results/B.json ...]
 */
import { readFileSync } from 'node:fs';
import { tableA, tableB } from '../lib/report.mjs';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: table.mjs RESULT.json [RESULT.json ...]');
  process.exit(2);
}
const partA = new Map();
const partB = [];
for (const file of files) {
  const results = JSON.parse(readFileSync(file, 'utf8'));
  for (const run of results.partA ?? []) partA.set(run.scenario, run);
  partB.push(...(results.partB ?? []));
}
const order = (a, b) => a.scenario.localeCompare(b.scenario);
if (partA.size) console.log(tableA([...partA.values()].sort(order)), '\n');
if (partB.length) console.log(tableB(partB.sort(order)));
