import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, type TestServer } from '../test/harness.js';

/** A built client as the build writes it: hashed assets with brotli and gzip files beside them. */
function builtClient(): { dir: string; script: string } {
  const dir = mkdtempSync(join(tmpdir(), 'werkraum-client-'));
  mkdirSync(join(dir, 'assets'));
  const script = `console.log(${JSON.stringify('Grüße '.repeat(200))});`;
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Werkraum</title><script src="/assets/index-Ab12.js"></script>');
  writeFileSync(join(dir, 'assets/index-Ab12.js'), script);
  writeFileSync(join(dir, 'assets/index-Ab12.js.br'), brotliCompressSync(script));
  writeFileSync(join(dir, 'assets/index-Ab12.js.gz'), gzipSync(script));
  return { dir, script };
}

describe('serving the built client', () => {
  const harness = new Harness();
  let server: TestServer;
  let client: { dir: string; script: string };

  beforeEach(async () => {
    client = builtClient();
    server = await harness.start({ clientDir: client.dir });
  });
  afterEach(async () => {
    await harness.cleanup();
    rmSync(client.dir, { recursive: true, force: true });
  });

  it('sends hashed scripts precompressed with brotli or gzip and lets browsers keep them for good', async () => {
    for (const [accept, encoding] of [
      ['br, gzip', 'br'],
      ['gzip', 'gzip'],
    ] as const) {
      const response = await fetch(`${server.baseUrl}/assets/index-Ab12.js`, { headers: { 'accept-encoding': accept } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-encoding')).toBe(encoding);
      expect(response.headers.get('content-type')).toMatch(/javascript/);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(await response.text()).toBe(client.script);
    }
  });

  it('sends the script uncompressed to a client that accepts no compression', async () => {
    const response = await fetch(`${server.baseUrl}/assets/index-Ab12.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(await response.text()).toBe(client.script);
  });

  it('has the page itself revalidated, so a new release reaches everyone', async () => {
    for (const path of ['/', '/w/abc/join', '/index.html']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<title>Werkraum</title>');
    }
  });
});
