import { afterEach, describe, expect, it } from 'vitest';
import { Harness, okData } from '../test/harness.js';

describe('events whose every use reaches everyone', () => {
  const harness = new Harness();
  afterEach(() => harness.cleanup());

  it('give each person a budget: a script toggling a hand is refused with rate_limited, others keep theirs', async () => {
    const server = await harness.start();
    const workshop = await harness.createWorkshop(server);
    const moderator = await harness.join(server, workshop, 'moderator', 'Kai');
    const script = await harness.join(server, workshop, 'participant', 'Skript');
    const person = await harness.join(server, workshop, 'participant', 'Jürgen Weiß');

    const answers = [];
    for (let toggle = 0; toggle < 30; toggle += 1) answers.push(await script.call('speaking:hand', { raised: toggle % 2 === 0 }));
    const refused = answers.filter((answer) => !answer.ok);
    expect(answers.slice(0, 20).every((answer) => answer.ok)).toBe(true);
    expect(refused.length).toBeGreaterThanOrEqual(9);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterMs: expect.any(Number) } });

    // Someone else raising a hand now is not affected, and the moderation sees it.
    expect(okData(await person.call('speaking:hand', { raised: true }))).toEqual({ raised: true });
    const { speaking } = okData(await moderator.call('speaking:get', undefined));
    expect(speaking.hands.map((hand) => hand.personId)).toContain(person.snapshot!.session.personId);
  });
});
