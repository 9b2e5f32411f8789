import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** What the build reads: sources, configuration and the installed versions (the lockfile). */
export const BUILD_INPUTS = [
  'shared/src',
  'shared/package.json',
  'shared/tsconfig.json',
  'server/src',
  'server/package.json',
  'server/tsconfig.json',
  'client/src',
  'client/index.html',
  'client/package.json',
  'client/tsconfig.json',
  'client/public',
  'vite.config.ts',
  'tsconfig.base.json',
  'package.json',
  'package-lock.json',
];

/** What the build writes and `npm start` runs. */
export const BUILD_OUTPUTS = ['server/dist/index.js', 'client/dist/index.html'];

/** Where the fingerprint of the inputs of the last successful build is kept. */
export const BUILD_STAMP = 'server/dist/.build-inputs';

/** Tests are not part of the build: changing one does not make the app stale. */
const ignored = (name) => name === 'node_modules' || name === 'dist' || /\.test\.tsx?$/.test(name);

function listFiles(path, files) {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    files.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) if (!ignored(name)) listFiles(join(path, name), files);
}

/**
 * A fingerprint of the build's inputs (path, size and modification time of every file): it changes
 * whenever a source, a configuration or the lockfile changes, without reading the files.
 */
export function inputsFingerprint(root, inputs = BUILD_INPUTS) {
  const files = [];
  for (const input of inputs) listFiles(join(root, input), files);
  const hash = createHash('sha256');
  for (const file of files) {
    const stat = statSync(file);
    hash.update(`${relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** Whether the built app exists and was built from the inputs as they are now. */
export function buildIsCurrent(root, inputs = BUILD_INPUTS, outputs = BUILD_OUTPUTS, stamp = BUILD_STAMP) {
  if (!outputs.every((output) => existsSync(join(root, output)))) return false;
  const stampFile = join(root, stamp);
  if (!existsSync(stampFile)) return false;
  return readFileSync(stampFile, 'utf8').trim() === inputsFingerprint(root, inputs);
}

/** Records that the outputs were built from `fingerprint` (taken before the build started). */
export function recordBuild(root, fingerprint, stamp = BUILD_STAMP) {
  const stampFile = join(root, stamp);
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, `${fingerprint}\n`);
}
