import { expect, test } from 'vitest';
import { COLLAB_CLOSE, COLLAB_PATH_PREFIX, isPermanentCollabClose } from './closeCodes.js';

test('close codes are distinct, in the private range, and permanent exactly in 4400-4499', () => {
  const codes = Object.values(COLLAB_CLOSE);
  expect(new Set(codes).size).toBe(codes.length);
  for (const code of codes) expect(code >= 4000 && code <= 4999).toBe(true);
  expect(isPermanentCollabClose(COLLAB_CLOSE.expiredToken)).toBe(true);
  expect(isPermanentCollabClose(COLLAB_CLOSE.serverShutdown)).toBe(false);
  expect(isPermanentCollabClose(COLLAB_CLOSE.internalError)).toBe(false);
  expect(COLLAB_PATH_PREFIX).toBe('/collab/');
});
