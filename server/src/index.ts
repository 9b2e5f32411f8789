import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { loadVoterKeySecret } from './voterKeySecret.js';
import { redisCluster, singleProcess } from './cluster/index.js';
import { openConfiguredStore } from './store/open.js';

/** Composition root: configuration, the embedded store, and the listening server. */
async function main(): Promise<void> {
  const config = readConfig();
  const { store, description } = await openConfiguredStore(config);
  const log = (message: string, error?: unknown) => console.error(message, error ?? '');
  // Several processes (REDIS_URL): socket.io rooms, presence and cache invalidation go through Redis.
  const cluster = config.redisUrl ? await redisCluster(config.redisUrl, config.redisPrefix, log) : singleProcess();
  const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../client/dist');
  const app = createApp({
    store,
    cluster,
    // Tokens issued by one process open documents on another: the key comes from the settings or Redis.
    ...(config.collabSecret ? { collabSecret: config.collabSecret } : {}),
    ...(!config.collabSecret && config.redisUrl ? { collabSecret: (await cluster.sharedSecret('collab'))! } : {}),
    log,
    clientDir,
    rateLimits: config.rateLimits,
    trustProxy: config.trustProxy,
    renderTimeoutMs: config.renderTimeoutMs,
    liveKit: config.liveKit,
    // Several processes mark anonymous voters alike: VOTER_KEY_SECRET, else one secret kept in Redis.
    voterKeySecret:
      !config.voterKeySecret && config.redisUrl
        ? (await cluster.sharedSecret('voter-key'))!
        : loadVoterKeySecret(config.dataDir, config.voterKeySecret),
    ...(config.createKey ? { createKey: config.createKey } : {}),
    ...(config.templateKey ? { templateKey: config.templateKey } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  const port = await app.listen(config.port, config.host);
  const url = config.publicUrl ?? `http://localhost:${port}`;
  console.log(`Werkraum is running: ${url}`);
  console.log(config.liveKit ? `Audio and video: LiveKit at ${config.liveKit.url}` : 'Audio and video: off (set LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).');
  console.log(`Data: ${description}`);
  if (config.redisUrl) console.log(`Scaled mode: connected to the other processes through Redis (prefix ${config.redisPrefix}).`);
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
