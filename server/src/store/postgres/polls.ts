import { randomInt } from 'node:crypto';
import type pg from 'pg';
import type { PollAnswer } from '@werkraum/shared/protocol';
import type { PollStore } from '../types.js';
import type { Db } from './db.js';

type AnswerStore = Omit<PollStore, 'getPolls' | 'savePolls'>;

/** One anonymous write waiting for its poll's next batch. */
type BallotOp =
  | { kind: 'save'; voterKey: string; ballotKey: string; answer: PollAnswer; done: (result: 'saved' | 'exists') => void; fail: (error: unknown) => void }
  | { kind: 'replace'; ballotKey: string; answer: PollAnswer; done: (result: boolean) => void; fail: (error: unknown) => void };

/**
 * Poll answers. Anonymous answers keep the SQLite store's separation: who voted (poll_voters) and
 * the ballots (poll_ballots) in unrelated tables with random keys, and each write rewrites the
 * poll's ballots (and, when someone new voted, its voter rows) in random order so row order says
 * nothing about who voted when. Writes of one poll hold an advisory lock, so processes do not
 * interleave their rewrites. Within a process the writes
 * of one poll that arrive while its last batch is being written go together in the next batch (one
 * transaction, one rewrite), in call order, so a replace issued after a save sees that save; the
 * writes of different polls do not wait for each other.
 */
export function postgresAnswerStore(db: Db): AnswerStore & { drain(): Promise<void> } {
  const queues = new Map<string, { ops: BallotOp[]; running: Promise<void> | null }>();

  async function lockPoll(client: pg.PoolClient, pollId: string): Promise<void> {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('werkraum-poll:' || $1, 0))", [pollId]);
  }

  function shuffle<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; index -= 1) {
      const other = randomInt(index + 1);
      [items[index], items[other]] = [items[other]!, items[index]!];
    }
    return items;
  }

  async function rewriteBallots(client: pg.PoolClient, pollId: string, ballots: { ballot_key: string; answer_json: string }[]): Promise<void> {
    shuffle(ballots);
    await client.query('DELETE FROM poll_ballots WHERE poll_id = $1', [pollId]);
    if (ballots.length === 0) return;
    await client.query(
      'INSERT INTO poll_ballots (poll_id, ballot_key, answer_json) SELECT $1, * FROM unnest($2::text[], $3::text[])',
      [pollId, ballots.map((b) => b.ballot_key), ballots.map((b) => b.answer_json)],
    );
  }

  /**
   * Rewrites the voter rows of a poll in random order: PostgreSQL appends each new row after the
   * previous one in the table's pages, so rows written one by one would lie (in `ctid` order, and in
   * the files) in the order people voted, next to ballots whose order is random.
   */
  async function rewriteVoters(client: pg.PoolClient, pollId: string): Promise<void> {
    const { rows } = await client.query<{ voter_key: string }>('DELETE FROM poll_voters WHERE poll_id = $1 RETURNING voter_key', [pollId]);
    if (rows.length === 0) return;
    await client.query('INSERT INTO poll_voters (poll_id, voter_key) SELECT $1, * FROM unnest($2::text[])', [
      pollId,
      shuffle(rows.map((row) => row.voter_key)),
    ]);
  }

  const listBallots = async (client: pg.PoolClient, pollId: string) =>
    (await client.query<{ ballot_key: string; answer_json: string }>('SELECT ballot_key, answer_json FROM poll_ballots WHERE poll_id = $1', [pollId])).rows;

  /** Writes one batch of a poll's waiting operations in one transaction and answers each of them. */
  async function writeBatch(pollId: string, ops: BallotOp[]): Promise<void> {
    const results: unknown[] = [];
    try {
      await db.transaction(async (client) => {
        results.length = 0;
        await lockPoll(client, pollId);
        const ballots = await listBallots(client, pollId);
        let changed = false;
        let voted = false;
        for (const op of ops) {
          if (op.kind === 'save') {
            const voter = await client.query('INSERT INTO poll_voters (poll_id, voter_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [pollId, op.voterKey]);
            if (voter.rowCount !== 1) {
              results.push('exists');
              continue;
            }
            ballots.push({ ballot_key: op.ballotKey, answer_json: JSON.stringify(op.answer) });
            changed = true;
            voted = true;
            results.push('saved');
          } else {
            const index = ballots.findIndex((ballot) => ballot.ballot_key === op.ballotKey);
            if (index < 0) {
              results.push(false);
              continue;
            }
            ballots[index] = { ballot_key: op.ballotKey, answer_json: JSON.stringify(op.answer) };
            changed = true;
            results.push(true);
          }
        }
        if (changed) await rewriteBallots(client, pollId, ballots);
        if (voted) await rewriteVoters(client, pollId);
      });
    } catch (error) {
      for (const op of ops) op.fail(error);
      return;
    }
    ops.forEach((op, index) => (op.done as (result: unknown) => void)(results[index]));
  }

  /** Queues an operation for its poll and starts a batch when none is being written. */
  function enqueue(pollId: string, op: BallotOp): void {
    let queue = queues.get(pollId);
    if (!queue) {
      queue = { ops: [], running: null };
      queues.set(pollId, queue);
    }
    queue.ops.push(op);
    if (queue.running) return;
    const current = queue;
    const run = async () => {
      while (current.ops.length > 0) await writeBatch(pollId, current.ops.splice(0));
      current.running = null;
      if (queues.get(pollId) === current && current.ops.length === 0) queues.delete(pollId);
    };
    current.running = run();
  }

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
      return new Promise<'saved' | 'exists'>((done, fail) => enqueue(pollId, { kind: 'save', voterKey, ballotKey, answer, done, fail }));
    },
    replaceAnonymousAnswer(pollId, ballotKey, answer) {
      return new Promise<boolean>((done, fail) => enqueue(pollId, { kind: 'replace', ballotKey, answer, done, fail }));
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
      await Promise.all([...queues.values()].map((queue) => queue.running));
    },
  };
}
