// Run at the end of `npm run build`: records what the app was built from, so `npm start` can skip the build.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputsFingerprint, recordBuild } from './freshness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
recordBuild(root, inputsFingerprint(root));
