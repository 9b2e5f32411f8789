import { randomInt } from 'node:crypto';
import type pg from 'pg';
import type { PollAnswer } from '@werkraum/shared/protocol';
import type { PollStore } from '../types.js';
import type { Db } from './db.js';

type AnswerStore = Omit<PollStore, 'getPolls' | 'savePolls'>;

/**
 * Poll answers. Anonymous answers keep the SQLite store's separation: who voted (poll_voters) and
 * the ballots (poll_ballots) in unrelated tables with random keys, and each write rewrites the
 * poll's ballots in random order so row order says nothing about who voted when. Writes of one poll
 * hold an advisory lock, so processes do not interleave their rewrites; within a process they run
 * in call order, so a replace issued after a save sees that save.
 */
export function postgresAnswerStore(db: Db): AnswerStore & { drain(): Promise<void> } {
  let chain: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work, work);
    chain = run.catch(() => undefined);
    return run;
  };

  async function lockPoll(client: pg.PoolClient, pollId: string): Promise<void> {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('werkraum-poll:' || $1, 0))", [pollId]);
  }

  async function rewriteBallots(client: pg.PoolClient, pollId: string, ballots: { ballot_key: string; answer_json: string }[]): Promise<void> {
    for (let index = ballots.length - 1; index > 0; index -= 1) {
      const other = randomInt(index + 1);
      [ballots[index], ballots[other]] = [ballots[other]!, ballots[index]!];
    }
    await client.query('DELETE FROM poll_ballots WHERE poll_id = $1', [pollId]);
    if (ballots.length === 0) return;
    await client.query(
      'INSERT INTO poll_ballots (poll_id, ballot_key, answer_json) SELECT $1, * FROM unnest($2::text[], $3::text[])',
      [pollId, ballots.map((b) => b.ballot_key), ballots.map((b) => b.answer_json)],
    );
  }

  const listBallots = async (client: pg.PoolClient, pollId: string) =>
    (await client.query<{ ballot_key: string; answer_json: string }>('SELECT ballot_key, answer_json FROM poll_ballots WHERE poll_id = $1', [pollId])).rows;

  return {
    async saveNamedAnswer(pollId, personId, answer, replace) {
      const result = await db.query(
        replace
          ? `INSERT INTO poll_named_answers (poll_id, person_id, answer_json) VALUES ($1, $2, $3)
             ON CONFLICT (poll_id, person_id) DO UPDATE SET answer_json = excluded.answer_json`
          : 'INSERT INTO poll_named_answers (poll_id, person_id, answer_json) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [pollId, personId, JSON.stringify(answer)],
      );
      return result.rowCount === 1 ? 'saved' : 'exists';
    },
    saveAnonymousAnswer(pollId, voterKey, ballotKey, answer) {
      return inOrder(() =>
        db.transaction(async (client) => {
          await lockPoll(client, pollId);
          const voter = await client.query('INSERT INTO poll_voters (poll_id, voter_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [pollId, voterKey]);
          if (voter.rowCount !== 1) return 'exists' as const;
          const ballots = await listBallots(client, pollId);
          ballots.push({ ballot_key: ballotKey, answer_json: JSON.stringify(answer) });
          await rewriteBallots(client, pollId, ballots);
          return 'saved' as const;
        }),
      );
    },
    replaceAnonymousAnswer(pollId, ballotKey, answer) {
      return inOrder(() =>
        db.transaction(async (client) => {
          await lockPoll(client, pollId);
          const ballots = await listBallots(client, pollId);
          const index = ballots.findIndex((ballot) => ballot.ballot_key === ballotKey);
          if (index < 0) return false;
          ballots[index] = { ballot_key: ballotKey, answer_json: JSON.stringify(answer) };
          await rewriteBallots(client, pollId, ballots);
          return true;
        }),
      );
    },
    async hasVoted(pollId, voterKey) {
      const { rowCount } = await db.query('SELECT 1 FROM poll_voters WHERE poll_id = $1 AND voter_key = $2', [pollId, voterKey]);
      return rowCount === 1;
    },
    async getNamedAnswer(pollId, personId) {
      const { rows } = await db.query<{ answer_json: string }>(
        'SELECT answer_json FROM poll_named_answers WHERE poll_id = $1 AND person_id = $2',
        [pollId, personId],
      );
      return rows[0] ? (JSON.parse(rows[0].answer_json) as PollAnswer) : undefined;
    },
    async listAnswers(pollId) {
      const named = await db.query<{ person_id: string; answer_json: string }>(
        'SELECT person_id, answer_json FROM poll_named_answers WHERE poll_id = $1',
        [pollId],
      );
      const ballots = await db.query<{ answer_json: string }>('SELECT answer_json FROM poll_ballots WHERE poll_id = $1', [pollId]);
      return [
        ...named.rows.map((row) => ({ personId: row.person_id, answer: JSON.parse(row.answer_json) as PollAnswer })),
        ...ballots.rows.map((row) => ({ personId: null, answer: JSON.parse(row.answer_json) as PollAnswer })),
      ];
    },
    async drain() {
      await chain;
    },
  };
}
