import { createApp } from '../app.js';
import { openSqliteStore } from '../store/sqlite.js';
import { Harness, TEST_GRACE_MS, type StartOptions, type TestServer } from './harness.js';

/** Options of {@link SeededHarness.startSeeded}: those of Harness.start plus the seed source for random room assignment. */
export interface SeededStartOptions extends Pick<StartOptions, 'dataFile' | 'reconnectGraceMs' | 'now'> {
  /** createApp's `randomSeed`: a fixed seed makes random room assignment predictable. */
  randomSeed: () => number;
}

/**
 * A Harness that can also start apps with a fixed random seed (createApp's `randomSeed`), e.g.
 * so a test can compute who lands in which breakout room. Everything else works as in Harness;
 * `cleanup()` also closes the apps started here.
 */
export class SeededHarness extends Harness {
  private readonly seeded: TestServer[] = [];

  /** Starts an app on port 0 (real SQLite file in a temp dir) with the given seed source. */
  async startSeeded(options: SeededStartOptions): Promise<TestServer> {
    const dataFile = options.dataFile ?? this.tempDataFile();
    const store = openSqliteStore(dataFile);
    const logs: TestServer['logs'] = [];
    const app = createApp({
      store,
      reconnectGraceMs: options.reconnectGraceMs ?? TEST_GRACE_MS,
      randomSeed: options.randomSeed,
      log: (message, error) => logs.push({ message, error }),
      ...(options.now ? { now: options.now } : {}),
    });
    const port = await app.listen(0, '127.0.0.1');
    let closing: Promise<void> | undefined;
    const server: TestServer = {
      app,
      port,
      baseUrl: `http://127.0.0.1:${port}`,
      dataFile,
      store,
      logs,
      close() {
        closing ??= app.close();
        return closing;
      },
    };
    this.seeded.push(server);
    return server;
  }

  override async cleanup(): Promise<void> {
    await Promise.all(this.seeded.splice(0).map((server) => server.close()));
    await super.cleanup();
  }
}
