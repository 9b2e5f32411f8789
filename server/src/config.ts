import { resolve } from 'node:path';

/** Settings from the environment, with the defaults of the embedded single-process setup. */
export interface Config {
  port: number;
  host: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
}

/** Reads PORT, HOST, DATA_DIR and PUBLIC_URL; refuses values that cannot work. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a number from 0 to 65535, got "${env.PORT}".`);
  }
  if (env.PUBLIC_URL && !/^https?:\/\//.test(env.PUBLIC_URL)) {
    throw new Error(`PUBLIC_URL must start with http:// or https://, got "${env.PUBLIC_URL}".`);
  }
  return {
    port,
    host: env.HOST || undefined,
    dataDir: resolve(env.DATA_DIR || './data'),
    publicUrl: env.PUBLIC_URL || undefined,
  };
}
