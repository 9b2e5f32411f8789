import { Harness, type StartOptions, type TestServer } from './harness.js';

/** Options of {@link SeededHarness.startSeeded}: those of Harness.start plus the seed source for random room assignment. */
export interface SeededStartOptions extends Pick<StartOptions, 'dataFile' | 'reconnectGraceMs' | 'now'> {
  /** createApp's `randomSeed`: a fixed seed makes random room assignment predictable. */
  randomSeed: () => number;
}

/**
 * A Harness that can also start apps with a fixed random seed (createApp's `randomSeed`), e.g.
 * so a test can compute who lands in which breakout room. Everything else works as in Harness.
 */
export class SeededHarness extends Harness {
  /** Starts an app on port 0 (real SQLite file in a temp dir) with the given seed source. */
  startSeeded(options: SeededStartOptions): Promise<TestServer> {
    return this.start(options);
  }
}
