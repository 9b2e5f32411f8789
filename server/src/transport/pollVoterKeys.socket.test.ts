import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, okData, TEST_STORE, TEST_VOTER_KEY_SECRET, type CreatedWorkshop, type TestClient, type TestServer } from '../test/harness.js';
import { offsetIn, readPages } from '../test/sqliteForensics.js';
import { withStoreReader } from '../test/storeReader.js';
import { loadVoterKeySecret, VOTER_KEY_FILE } from '../voterKeySecret.js';

const idOf = (client: TestClient) => client.snapshot!.session.personId;
const ANSWERS = ['Mehr Pausen', 'Kürzere Inputs', 'Bessere Technik', 'Mehr Gruppenarbeit', 'Klarere Ziele', 'Weniger Folien', 'Längere Diskussion', 'Mehr Musik'];

describe('anonymous poll voter keys', () => {
  const harness = new Harness();
  let server: TestServer;
  let workshop: CreatedWorkshop;
  let mia: TestClient;
  let voters: TestClient[];

  beforeEach(async () => {
    server = await harness.start();
    workshop = await harness.createWorkshop(server);
    mia = await harness.join(server, workshop, 'moderator', 'Mia');
    voters = [];
    for (const name of ['Ana', 'Bo', 'Cleo', 'Dee', 'Eli', 'Fay', 'Gus', 'Hana']) voters.push(await harness.join(server, workshop, 'participant', name));
  });
  afterEach(() => harness.cleanup());

  /** An anonymous open-text poll that every voter answers, one after another (each answer committed before the next). */
  async function answeredOneByOne(): Promise<string> {
    const pollId = okData(await mia.call('poll:create', { question: 'Was würdest du ändern?', type: 'text', anonymous: true })).pollId;
    okData(await mia.call('poll:open', { pollId }));
    for (const [index, voter] of voters.entries()) okData(await voter.call('poll:answer', { pollId, answer: { text: ANSWERS[index]! } }));
    return pollId;
  }

  /** The voter keys as the database holds them (the SQLite file, or the PostgreSQL schema). */
  const voterKeysInDatabase = () =>
    withStoreReader(server, async (db) => (await db.all<{ voter_key: string }>('SELECT voter_key FROM poll_voters')).map((row) => row.voter_key));

  it('cannot be computed from what the database holds (poll and person ids)', async () => {
    const pollId = await answeredOneByOne();
    const keys = await voterKeysInDatabase();
    expect(keys).toHaveLength(voters.length);
    const guesses = [mia, ...voters].flatMap((client) => {
      const personId = idOf(client);
      return [`${pollId}:${personId}`, `${personId}:${pollId}`, personId].map((text) => createHash('sha256').update(text).digest('hex'));
    });
    for (const key of keys) expect(guesses).not.toContain(key);
    // The server still knows who voted: a second answer is refused, also after a restart.
    await server.close();
    server = await harness.start({ dataFile: server.dataFile });
    const ana = await harness.resume(server, workshop.id, voters[0]!.snapshot!.session.personToken);
    const again = await ana.call('poll:answer', { pollId, answer: { text: 'Noch einmal' } });
    expect(again.ok).toBe(false);
    expect(okData(await ana.call('poll:list', {})).polls.find((view) => view.poll.id === pollId)!.answered).toBe(true);
  });

  it('still count for a poll that was open while the server was upgraded from the unkeyed voter keys', async () => {
    const pollId = okData(await mia.call('poll:create', { question: 'Wie war es?', type: 'text', anonymous: true })).pollId;
    okData(await mia.call('poll:open', { pollId }));
    const ana = voters[0]!;
    // Ana answered before the upgrade: her voter row has the key earlier versions wrote.
    await withStoreReader(
      server,
      (db) => db.run('INSERT INTO poll_voters (poll_id, voter_key) VALUES (?, ?)', [pollId, createHash('sha256').update(`${pollId}:${idOf(ana)}`).digest('hex')]),
      { writable: true },
    );
    expect(okData(await ana.call('poll:list', {})).polls.find((view) => view.poll.id === pollId)!.answered).toBe(true);
    const again = await ana.call('poll:answer', { pollId, answer: { text: 'Noch einmal' } });
    expect(again.ok).toBe(false);
    okData(await voters[1]!.call('poll:answer', { pollId, answer: { text: 'Zum ersten Mal' } }));
  });

  it('lie in the file in an order that is not the order of voting', async () => {
    const pollId = await answeredOneByOne();
    await server.close();
    // Even someone who has the secret as well as the file cannot read the order of voting from it.
    const keyOf = (client: TestClient) => createHmac('sha256', TEST_VOTER_KEY_SECRET).update(`${pollId}:${idOf(client)}`).digest('hex');
    const voting = voters.map(keyOf);
    let inFile: string[];
    if (TEST_STORE === 'postgres') {
      // PostgreSQL: the rows' physical places (ctid: page, then slot), the order in the table's files.
      inFile = await withStoreReader(server, async (db) =>
        (await db.all<{ voter_key: string }>('SELECT voter_key FROM poll_voters WHERE poll_id = ? ORDER BY ctid', [pollId])).map((row) => row.voter_key),
      );
      expect([...inFile].sort()).toEqual([...voting].sort());
    } else {
      const pages = [...readPages(server.dataFile)];
      const placeOf = (key: string) => {
        for (const [pgno, page] of pages) {
          const offset = offsetIn(page, key);
          if (offset >= 0) return pgno * 1_000_000 + (page.length - offset);
        }
        throw new Error(`voter key ${key} not in the file`);
      };
      inFile = [...voting].sort((a, b) => placeOf(a) - placeOf(b));
    }
    // Cells written one by one follow the order of writing (forwards or backwards); 8 voters give 40 320 orders.
    expect(inFile).not.toEqual(voting);
    expect(inFile).not.toEqual([...voting].reverse());
  });
});

describe('the voter key secret', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'werkraum-voter-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated once in the data directory, readable by the owner only, and read again on the next start', () => {
    const first = loadVoterKeySecret(dir, undefined);
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = join(dir, VOTER_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('utf8'));
    expect(loadVoterKeySecret(dir, undefined).equals(first)).toBe(true);
  });

  it('comes from VOTER_KEY_SECRET when set, and no file is written', () => {
    const secret = 'a'.repeat(40);
    expect(loadVoterKeySecret(dir, secret).toString('utf8')).toBe(secret);
    expect(() => statSync(join(dir, VOTER_KEY_FILE))).toThrow();
  });
});
