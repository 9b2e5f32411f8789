import { afterEach, describe, expect, it } from 'vitest';
import { Harness, okData } from '../test/harness.js';

describe('free text over the socket', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  it('refuses block titles and descriptions with NUL, a right-to-left override or a lone surrogate, and stores nothing', async () => {
    const server = await harness.start();
    const workshop = await harness.createWorkshop(server);
    const mia = await harness.join(server, workshop, 'moderator', 'Mia');
    const blocks = async () => (okData(await mia.call('agenda:get', undefined as never)) as { agenda: { blocks: unknown[] } }).agenda.blocks;
    const before = await blocks();
    for (const value of ['Ab\u0000schluss', 'Rechnung\u202Efdp.exe', 'halb \uD83D']) {
      for (const field of ['title', 'description']) {
        const ack = await mia.call('agenda:addBlock', {
          afterBlockId: null,
          block: { title: 'Ankommen', type: 'arrival', plannedMinutes: 10, [field]: value },
        });
        expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_payload', field: `block.${field}` } });
      }
    }
    expect(await blocks()).toEqual(before);
    // Ordinary text, line breaks in the description included, is still taken.
    okData(await mia.call('agenda:addBlock', { afterBlockId: null, block: { title: 'Ankommen ☕', type: 'arrival', plannedMinutes: 10, description: 'Zeile 1\nZeile 2' } }));
  });
});
