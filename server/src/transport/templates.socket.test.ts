import { afterEach, describe, expect, it } from 'vitest';
import { TEMPLATE_KIND } from '@werkraum/shared/protocol';
import { Harness, okData } from '../test/harness.js';

describe('template:get over the socket', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  it('gives facilitators the template, by their current role, and refuses participants', async () => {
    const server = await harness.start();
    const workshop = await harness.createWorkshop(server, { title: 'Austauschtreffen' });
    const moderator = await harness.join(server, workshop, 'moderator', 'Kai');
    okData(await moderator.call('agenda:addBlock', { afterBlockId: null, block: { title: 'Ankommen', type: 'arrival', plannedMinutes: 5 } }));
    const participant = await harness.join(server, workshop, 'participant', 'Jürgen Weiß');

    const refused = await participant.call('template:get', undefined);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Promoted in the workshop, the same person (joined through the participant link) may take the format along.
    okData(await moderator.call('people:setRole', { personId: participant.snapshot!.session.personId, role: 'coModerator' }));
    const template = okData(await participant.call('template:get', undefined));
    expect(template).toMatchObject({ kind: TEMPLATE_KIND, name: 'Austauschtreffen', agenda: { blocks: [{ key: 'b1', title: 'Ankommen' }] } });
    expect(JSON.stringify(template)).not.toContain('Jürgen');
  });
});
