import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const assets = join(dirname(fileURLToPath(import.meta.url)), '../../client/dist/assets');

describe('the first load of the client (built by npm test before this runs)', () => {
  const entry = readdirSync(assets).find((name) => /^index-.*\.js$/.test(name));

  it('exists', () => {
    expect(entry).toBeDefined();
  });

  it('carries neither the server-side validation library nor the editor, which load later or never', () => {
    const code = readFileSync(join(assets, entry!), 'utf8');
    expect(code).not.toContain('ZodError');
    expect(code).not.toContain('prosemirror');
    expect(code).not.toContain('y-indexeddb');
  });

  it('leaves out livekit-client, which loads when someone opens the call', () => {
    const code = readFileSync(join(assets, entry!), 'utf8');
    expect(code).not.toMatch(/livekit/i);
    const call = readdirSync(assets).find((name) => /^CallView-.*\.js$/.test(name));
    expect(call, 'the call view is a chunk of its own').toBeDefined();
    expect(readFileSync(join(assets, call!), 'utf8')).toMatch(/livekit/i);
  });
});
