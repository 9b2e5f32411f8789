/**
 * Small helpers shared by the orchestrator and the generator processes.
 *
 * Clock: every timestamp in the benchmark is `now()`, CLOCK_MONOTONIC in milliseconds
 * (process.hrtime). On Linux that clock is shared by all processes of the machine, so a time taken
 * in the orchestrator (a moderator's send) and one taken in a generator (a participant's receipt)
 * can be subtracted directly. It never jumps when the wall clock is adjusted.
 */
export const now = () => Number(process.hrtime.bigint() / 1000n) / 1000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `predicate()` is true (checked every `everyMs`), rejects after `timeoutMs`. */
export async function waitUntil(predicate, { timeoutMs = 30_000, everyMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Runs `task(item, index)` over `items` with at most `limit` running at once. */
export async function mapLimit(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Percentile (0-100) of an unsorted numeric array (nearest rank); NaN when empty. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Formats a number for the table: '-' for missing values, fewer decimals for larger numbers. */
export function fmt(value, digits) {
  if (value === undefined || value === null || !Number.isFinite(value)) return '-';
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toFixed(d);
}

/** A seeded pseudo-random generator (mulberry32), so runs place and schedule the same way. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About `chars` characters of text in paragraphs of `perParagraph` characters (the seeded documents). */
export function seedParagraphs(chars, perParagraph = 100) {
  const words = 'Ergebnis Frage Idee Workshop Gruppe Notiz Punkt nächster Schritt offen geklärt Zeit Raum Thema Beispiel'.split(' ');
  const out = [];
  let total = 0;
  let i = 0;
  while (total < chars) {
    let line = `${out.length + 1}. `;
    while (line.length < perParagraph) line += `${words[i++ % words.length]} `;
    line = line.slice(0, Math.min(perParagraph, chars - total));
    out.push(line);
    total += line.length;
  }
  return out;
}
