import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the file in the data directory that holds the generated voter key secret. */
export const VOTER_KEY_FILE = 'voter-key';

/**
 * The key that anonymous polls hash voter keys with (HMAC), kept outside the database so that a copy
 * of the database alone cannot tell who voted. VOTER_KEY_SECRET when set; otherwise a random secret
 * generated on the first start and kept in `<dataDir>/voter-key` (readable by the owner only). It must
 * stay the same across restarts, or people could answer an open anonymous poll a second time.
 */
export function loadVoterKeySecret(dataDir: string, configured: string | undefined): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = join(dataDir, VOTER_KEY_FILE);
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return Buffer.from(stored, 'utf8');
    throw new Error(`${file} holds no usable secret (expected at least 32 characters); delete it only if no anonymous poll is open.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx': a second process starting at the same moment does not overwrite the first one's secret.
    writeFileSync(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadVoterKeySecret(dataDir, undefined);
    throw error;
  }
  chmodSync(file, 0o600);
  return Buffer.from(secret, 'utf8');
}
