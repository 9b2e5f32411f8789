import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { openSqliteStore } from './store/sqlite.js';
import { loadVoterKeySecret } from './voterKeySecret.js';

/** Composition root: configuration, the embedded store, and the listening server. */
async function main(): Promise<void> {
  const config = readConfig();
  const store = openSqliteStore(join(config.dataDir, 'werkraum.sqlite'));
  const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../client/dist');
  const app = createApp({
    store,
    clientDir,
    rateLimits: config.rateLimits,
    trustProxy: config.trustProxy,
    renderTimeoutMs: config.renderTimeoutMs,
    liveKit: config.liveKit,
    voterKeySecret: loadVoterKeySecret(config.dataDir, config.voterKeySecret),
    ...(config.createKey ? { createKey: config.createKey } : {}),
    ...(config.templateKey ? { templateKey: config.templateKey } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  const port = await app.listen(config.port, config.host);
  const url = config.publicUrl ?? `http://localhost:${port}`;
  console.log(`Werkraum is running: ${url}`);
  console.log(`Data: ${config.dataDir}`);
  console.log(config.liveKit ? `Audio and video: LiveKit at ${config.liveKit.url}` : 'Audio and video: off (set LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).');
  if (config.createKey) console.log('Creating workshops requires the create key (CREATE_KEY).');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
