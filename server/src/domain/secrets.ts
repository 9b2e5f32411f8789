import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '@werkraum/shared/limits';

/** A new unguessable secret (link secret, API key or person token), URL-safe. */
export function newSecret(): string {
  return randomBytes(LIMITS.secretBytes).toString('base64url');
}

/** A short random id for workshops and people; ids are not secrets. */
export function newId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * SHA-256 of a secret, as stored. A fast hash is right here: the secrets are 192 random bits,
 * so there is nothing to brute-force that a slow password hash would protect.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
