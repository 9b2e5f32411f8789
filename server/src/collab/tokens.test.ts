import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { COLLAB_TOKEN_TTL_MS, signCollabToken, verifyCollabToken, type CollabClaims } from './tokens.js';

const secret = Buffer.alloc(32, 7);
const claims: CollabClaims = { doc: 'notes:w1:room-a', mode: 'edit', personId: 'p1', workshopId: 'w1' };
const t0 = 1_700_000_000_000;

describe('collab tokens', () => {
  test('a signed token verifies and returns its claims until it expires', () => {
    const token = signCollabToken(secret, claims, t0);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyCollabToken(secret, token, t0)).toEqual({ ok: true, claims, expiresAt: t0 + COLLAB_TOKEN_TTL_MS, tokenId: expect.any(String) });
    // Two tokens with the same claims at the same moment still differ: each opens one connection only.
    const again = signCollabToken(secret, claims, t0);
    expect(again).not.toBe(token);
    const ids = [token, again].map((t) => { const v = verifyCollabToken(secret, t, t0); return v.ok ? v.tokenId : ''; });
    expect(ids[0]).not.toBe(ids[1]);
    expect(verifyCollabToken(secret, token, t0 + COLLAB_TOKEN_TTL_MS - 1).ok).toBe(true);
  });

  test('expiry: at and after now + ttl the token is expired', () => {
    const token = signCollabToken(secret, { ...claims, mode: 'read' }, t0, 5_000);
    expect(verifyCollabToken(secret, token, t0 + 4_999)).toMatchObject({ ok: true, claims: { mode: 'read' } });
    expect(verifyCollabToken(secret, token, t0 + 5_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyCollabToken(secret, token, t0 + 3_600_000)).toEqual({ ok: false, reason: 'expired' });
  });

  test('tampering with the payload or the signature, or another secret, is a bad signature', () => {
    const token = signCollabToken(secret, claims, t0);
    const [body, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), mode: 'edit', doc: 'other' })).toString('base64url');
    expect(verifyCollabToken(secret, `${forged}.${sig}`, t0)).toEqual({ ok: false, reason: 'bad_signature' });
    const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
    expect(verifyCollabToken(secret, `${body}.${flipped}`, t0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyCollabToken(secret, `${body}.${sig.slice(0, 10)}`, t0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyCollabToken(Buffer.alloc(32, 8), token, t0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('malformed tokens', () => {
    for (const bad of ['', 'abc', 'a.b.c', '.abc', 'abc.', 'ab$c.def', 'x'.repeat(5000) + '.y', 'a b.c']) {
      expect(verifyCollabToken(secret, bad, t0)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  test('a correctly signed payload that is not a claim set is malformed', () => {
    const sign = (payload: unknown) => {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
    };
    const valid = { v: 2, id: 'abc', doc: 'd', mode: 'edit', personId: 'p', workshopId: 'w', exp: t0 + 1000 };
    expect(verifyCollabToken(secret, sign(valid), t0).ok).toBe(true);
    for (const payload of [
      { ...valid, v: 1 },
      { ...valid, id: undefined },
      { ...valid, id: '' },
      { ...valid, mode: 'admin' },
      { ...valid, doc: '' },
      { ...valid, exp: 'later' },
      { ...valid, personId: 5 },
      [1, 2],
      'text',
    ]) {
      expect(verifyCollabToken(secret, sign(payload), t0)).toEqual({ ok: false, reason: 'malformed' });
    }
    const notJson = Buffer.from('{nope').toString('base64url');
    expect(verifyCollabToken(secret, `${notJson}.${createHmac('sha256', secret).update(notJson).digest('base64url')}`, t0)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  test('refuses a short secret', () => {
    expect(() => signCollabToken(Buffer.alloc(8), claims, t0)).toThrow(/at least 16 bytes/);
    expect(() => verifyCollabToken(Buffer.alloc(8), 'a.b', t0)).toThrow(/at least 16 bytes/);
  });
});
