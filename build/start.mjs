// `npm start`: builds the app when it was never built or its sources changed since, then runs it.
// A restart with nothing changed starts at once.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildIsCurrent, inputsFingerprint, recordBuild } from './freshness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

if (!buildIsCurrent(root)) {
  const fingerprint = inputsFingerprint(root);
  console.log('Building the app (first start, or the sources changed)…');
  const npm = process.env.npm_execpath;
  const build = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(build.status ?? 1);
  }
  recordBuild(root, fingerprint);
}

await import(pathToFileURL(resolve(root, 'server/dist/index.js')).href);
