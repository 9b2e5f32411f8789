/**
 * A latency histogram that generator processes fill and the orchestrator merges: 0.05 ms buckets
 * up to 100 ms, 1 ms buckets up to 120 s, exact maximum. Percentiles are exact to the bucket width.
 */
const FINE_MS = 0.05;
const FINE_BUCKETS = 2000; // 0 .. 100 ms
const COARSE_BUCKETS = 120_000; // 100 ms .. 120 s, 1 ms each

export class Hist {
  constructor() {
    this.fine = new Uint32Array(FINE_BUCKETS);
    this.coarse = new Map();
    this.over = 0;
    this.n = 0;
    this.sum = 0;
    this.max = -Infinity;
    this.min = Infinity;
  }

  add(ms) {
    if (!Number.isFinite(ms)) return;
    if (ms < 0) ms = 0; // clock granularity between processes
    this.n++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    if (ms < this.min) this.min = ms;
    if (ms < 100) this.fine[Math.floor(ms / FINE_MS)]++;
    else {
      const i = Math.floor(ms - 100);
      if (i < COARSE_BUCKETS) this.coarse.set(i, (this.coarse.get(i) ?? 0) + 1);
      else this.over++;
    }
  }

  merge(other) {
    const o = other instanceof Hist ? other : Hist.fromJSON(other);
    for (let i = 0; i < FINE_BUCKETS; i++) this.fine[i] += o.fine[i];
    for (const [i, c] of o.coarse) this.coarse.set(i, (this.coarse.get(i) ?? 0) + c);
    this.over += o.over;
    this.n += o.n;
    this.sum += o.sum;
    if (o.max > this.max) this.max = o.max;
    if (o.min < this.min) this.min = o.min;
    return this;
  }

  /** The value at percentile p (0-100): upper edge of the bucket holding that rank (the maximum for p=100). */
  percentile(p) {
    if (this.n === 0) return NaN;
    if (p >= 100) return this.max;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < FINE_BUCKETS; i++) {
      seen += this.fine[i];
      if (seen >= rank) return Math.min(this.max, (i + 1) * FINE_MS);
    }
    const keys = [...this.coarse.keys()].sort((a, b) => a - b);
    for (const i of keys) {
      seen += this.coarse.get(i);
      if (seen >= rank) return Math.min(this.max, 100 + i + 1);
    }
    return this.max;
  }

  summary() {
    return {
      n: this.n,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.n ? this.max : NaN,
      mean: this.n ? this.sum / this.n : NaN,
    };
  }

  toJSON() {
    const fine = [];
    for (let i = 0; i < FINE_BUCKETS; i++) if (this.fine[i]) fine.push(i, this.fine[i]);
    return { fine, coarse: [...this.coarse.entries()].flat(), over: this.over, n: this.n, sum: this.sum, max: this.max, min: this.min };
  }

  static fromJSON(json) {
    const h = new Hist();
    for (let i = 0; i < json.fine.length; i += 2) h.fine[json.fine[i]] = json.fine[i + 1];
    for (let i = 0; i < json.coarse.length; i += 2) h.coarse.set(json.coarse[i], json.coarse[i + 1]);
    h.over = json.over;
    h.n = json.n;
    h.sum = json.sum;
    h.max = json.max ?? -Infinity;
    h.min = json.min ?? Infinity;
    return h;
  }
}

/** A set of named histograms (one per metric). */
export class Hists {
  constructor() {
    this.map = new Map();
  }
  get(name) {
    let h = this.map.get(name);
    if (!h) this.map.set(name, (h = new Hist()));
    return h;
  }
  add(name, ms) {
    this.get(name).add(ms);
  }
  merge(json) {
    for (const [name, h] of Object.entries(json)) this.get(name).merge(h);
    return this;
  }
  toJSON() {
    return Object.fromEntries([...this.map].map(([name, h]) => [name, h.toJSON()]));
  }
}
