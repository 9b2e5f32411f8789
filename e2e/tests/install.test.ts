import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIsCurrent, inputsFingerprint, recordBuild } from '../../build/freshness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;

type Deps = Record<string, string>;
interface Manifest {
  workspaces?: string[];
  scripts?: Record<string, string>;
  dependencies?: Deps;
  devDependencies?: Deps;
  peerDependencies?: Deps;
  optionalDependencies?: Deps;
}
interface Lockfile {
  packages: Record<string, Manifest & { engines?: { node?: string } }>;
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** Whether a Node version satisfies an `engines.node` range of the forms the registry uses. */
function admits(range: string, version: string): boolean {
  const parse = (text: string) => text.replace(/^v/, '').split('.').map((part) => (part === 'x' || part === '*' ? NaN : Number(part)));
  const [major, minor, patch] = parse(version) as [number, number, number];
  const compare = (other: number[]) => {
    const parts = [other[0] ?? 0, Number.isNaN(other[1]) ? 0 : (other[1] ?? 0), Number.isNaN(other[2]) ? 0 : (other[2] ?? 0)];
    return Math.sign(major - parts[0]!) || Math.sign(minor - parts[1]!) || Math.sign(patch - parts[2]!);
  };
  const comparator = (text: string): boolean => {
    const match = /^(>=|<=|>|<|=|\^|~)?\s*(.+)$/.exec(text.trim());
    if (!match || match[2] === '*' || match[2] === 'x') return true;
    const bound = parse(match[2]!);
    const cmp = compare(bound);
    switch (match[1]) {
      case '>=':
        return cmp >= 0;
      case '>':
        return cmp > 0;
      case '<=':
        return cmp <= 0;
      case '<':
        return cmp < 0;
      case '^':
        return cmp >= 0 && major === bound[0];
      case '~':
        return cmp >= 0 && major === bound[0] && (Number.isNaN(bound[1]) || bound[1] === undefined || minor === bound[1]);
      default:
        return (Number.isNaN(bound[1]) || bound[1] === undefined) ? major === bound[0] : cmp === 0 || (bound[2] === undefined && major === bound[0] && minor === bound[1]);
    }
  };
  return range
    .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
    .split('||').some((alternative) => alternative.trim().split(/\s+/).filter(Boolean).every(comparator));
}

describe('install and first start', () => {
  const manifest = readJson<Manifest>('package.json');
  const lock = readJson<Lockfile>('package-lock.json');

  it('has a lockfile that records every workspace’s dependencies as its package.json declares them', () => {
    const differences: string[] = [];
    for (const location of ['', ...(manifest.workspaces ?? [])]) {
      const declared = readJson<Manifest>(join(location, 'package.json'));
      const locked = lock.packages[location];
      if (!locked) {
        differences.push(`${location}: missing from the lockfile`);
        continue;
      }
      for (const field of DEPENDENCY_FIELDS) {
        const want = declared[field] ?? {};
        const have = locked[field] ?? {};
        for (const name of new Set([...Object.keys(want), ...Object.keys(have)])) {
          if (want[name] !== have[name]) differences.push(`${location || '(root)'} ${field} ${name}: package.json ${want[name]}, lockfile ${have[name]}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it('installs for users only what the app and its tests need, all of it working on the Node version the README names', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const nodeVersion = /Node\.js (\d+\.\d+)/.exec(readme)?.[1];
    expect(nodeVersion).toBeDefined();
    expect(manifest.workspaces).not.toContain('bench');
    const installed = Object.keys(lock.packages).filter((path) => path.includes('node_modules/'));
    const benchmarkPeers = installed.filter((path) => /node_modules\/(@hocuspocus\/|@y\/websocket-server|leveldown|level\b)/.test(path));
    expect(benchmarkPeers).toEqual([]);
    const refusing = Object.entries(lock.packages)
      .filter(([, entry]) => entry.engines?.node && !admits(entry.engines.node, `${nodeVersion}.0`))
      .map(([path, entry]) => `${path} wants node ${entry.engines!.node}`);
    expect(refusing).toEqual([]);
    // The README says how long the first start takes.
    expect(readme).toMatch(/first `?(npm install && )?npm start`?[\s\S]{0,40}?\d+(\.\d+)?\s*(s|seconds|minutes?)\b/i);
  });

  it('reads engine ranges the way npm does', () => {
    expect(admits('>=22.12.0', '20.19.0')).toBe(false);
    expect(admits('^20.19.0 || >=22.12.0', '20.19.0')).toBe(true);
    expect(admits('>=18', '20.19.0')).toBe(true);
    expect(admits('>= 10', '20.19.0')).toBe(true);
    expect(admits('^20.0.0 || ^22.0.0 || >=24.0.0', '20.19.0')).toBe(true);
    expect(admits('^22.13.0', '20.19.0')).toBe(false);
  });

  describe('npm start', () => {
    let dir: string;
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('does not rebuild when nothing changed since the last build, and does when a source changed', () => {
      expect(manifest.scripts?.start).not.toMatch(/npm run build/);
      dir = mkdtempSync(join(tmpdir(), 'werkraum-build-'));
      const write = (path: string, text: string) => {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      };
      const inputs = ['src'];
      const outputs = ['dist/index.js'];
      write('src/app.ts', 'export const a = 1;\n');
      write('src/app.test.ts', 'test\n');
      expect(buildIsCurrent(dir, inputs, outputs, 'dist/.stamp')).toBe(false);
      write('dist/index.js', 'built\n');
      expect(buildIsCurrent(dir, inputs, outputs, 'dist/.stamp')).toBe(false);
      recordBuild(dir, inputsFingerprint(dir, inputs), 'dist/.stamp');
      expect(buildIsCurrent(dir, inputs, outputs, 'dist/.stamp')).toBe(true);
      // A changed test does not make the app stale; a changed source does.
      write('src/app.test.ts', 'another test\n');
      expect(buildIsCurrent(dir, inputs, outputs, 'dist/.stamp')).toBe(true);
      write('src/app.ts', 'export const a = 2;\n');
      utimesSync(join(dir, 'src/app.ts'), new Date(), new Date(Date.now() + 5_000));
      expect(buildIsCurrent(dir, inputs, outputs, 'dist/.stamp')).toBe(false);
    });
  });
});
