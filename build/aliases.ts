import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Maps every entry of shared/package.json "exports" to its TypeScript source, so Vite and Vitest
 * use the sources directly while Node at run time uses the compiled dist/ (the "default" condition).
 */
export function sharedSourceAliases(): { find: string; replacement: string }[] {
  const pkg = JSON.parse(readFileSync(resolve(root, 'shared/package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, { source: string }>;
  };
  return Object.entries(pkg.exports).map(([subpath, target]) => ({
    find: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
    replacement: resolve(root, 'shared', target.source),
  }));
}
