import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '../fixtures/server.js';

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

describe('the built client as the server sends it', () => {
  const server = new ServerProcess();
  /** The scripts and style sheets the page names (entry, preloaded chunks, CSS). */
  let referenced: string[] = [];

  beforeAll(async () => {
    await server.start();
    const page = await fetch(`${server.url}/w/abc/join`).then((response) => response.text());
    referenced = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('names the entry script and its style sheet in the page', () => {
    expect(referenced.some((path) => /\/index-[^/]+\.js$/.test(path))).toBe(true);
    expect(referenced.some((path) => path.endsWith('.css'))).toBe(true);
  });

  it('sends every script and style sheet of the first load compressed (brotli, else gzip) and cacheable for good', async () => {
    for (const path of referenced) {
      for (const [accept, encoding] of [
        ['gzip, deflate, br, zstd', 'br'],
        ['gzip', 'gzip'],
      ] as const) {
        const response = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': accept } });
        expect(response.status, path).toBe(200);
        expect(response.headers.get('content-encoding'), `${path} (${accept})`).toBe(encoding);
        expect(response.headers.get('cache-control'), path).toBe('public, max-age=31536000, immutable');
        expect(response.headers.get('content-type'), path).toMatch(path.endsWith('.js') ? /javascript/ : /text\/css/);
        // The body is the file itself (fetch decodes it).
        expect(await response.text(), path).toBe(readFileSync(join(assets, path.replace('/assets/', '')), 'utf8'));
      }
    }
  });

  it('keeps the join page\'s scripts and styles under 200 KB on the wire', async () => {
    let total = 0;
    for (const path of referenced) {
      const response = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'br' } });
      // Bytes as sent: the precompressed file's size.
      total += Number(response.headers.get('content-length') ?? (await response.arrayBuffer()).byteLength);
    }
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(200_000);
  });
});
