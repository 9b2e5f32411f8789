/**
 * The generator processes of one run: forks them, spreads people over them, sends commands and
 * gathers answers.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pin } from './servers.mjs';

const GENERATOR = join(dirname(fileURLToPath(import.meta.url)), 'generator.mjs');

export class GeneratorPool {
  constructor(count, { profileDir, cpus } = {}) {
    this.count = count;
    this.profileDir = profileDir;
    this.cpus = cpus;
    this.children = [];
    this.nextId = 1;
    this.pending = new Map();
  }

  async start(init) {
    const ready = [];
    for (let i = 0; i < this.count; i++) {
      const execArgv = ['--max-old-space-size=4096'];
      if (this.profileDir) execArgv.push('--cpu-prof', '--cpu-prof-dir', this.profileDir, '--cpu-prof-name', `generator-${i}-${Date.now()}.cpuprofile`);
      const child = fork(GENERATOR, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
      if (this.cpus) pin(child.pid, this.cpus);
      // A run cut off at its time bound may still try to talk to its (stopped) generators.
      child.on('error', () => {});
      this.children.push(child);
      ready.push(
        new Promise((resolve, reject) => {
          child.once('message', (m) => (m?.type === 'ready' ? resolve() : reject(new Error('generator did not start'))));
          child.once('exit', (code) => reject(new Error(`generator exited with ${code}`)));
        }),
      );
      child.on('message', (m) => {
        if (m?.type === 'done' && this.pending.has(m.id)) {
          this.pending.get(m.id)(m);
          this.pending.delete(m.id);
        }
      });
    }
    await Promise.all(ready);
    await Promise.all(this.children.map((_, i) => this.send(i, 'init', { ...init, seed: (init.seed ?? 1) * 100 + i })));
  }

  /** Sends a command to generator i; resolves with its answer (rejects on an error answer or timeout). */
  send(i, cmd, payload = {}, timeoutMs = 180_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`generator ${i}: ${cmd} timed out`));
      }, timeoutMs);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(`generator ${i}: ${cmd}: ${m.error}`));
        else resolve(m);
      });
      const child = this.children[i];
      if (!child.connected) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new Error(`generator ${i} is gone`));
        return;
      }
      child.send({ cmd, id, ...payload }, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new Error(`generator ${i}: ${error.message}`));
      });
    });
  }

  /** The same command to all generators; `payloadFor(i)` may differ per generator. */
  all(cmd, payloadFor = () => ({}), timeoutMs) {
    return Promise.all(this.children.map((_, i) => this.send(i, cmd, payloadFor(i), timeoutMs)));
  }

  /** Which generator holds the person with this index (round robin). */
  owner(index) {
    return index % this.count;
  }

  /** Splits specs round robin over the generators. */
  split(specs) {
    const parts = this.children.map(() => []);
    specs.forEach((spec, index) => parts[this.owner(index)].push(spec));
    return parts;
  }

  pids() {
    return this.children.map((c) => c.pid);
  }

  async stop() {
    await Promise.allSettled(this.children.map((_, i) => this.send(i, 'exit', {}, 5_000)));
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            const timer = setTimeout(() => {
              child.kill('SIGKILL');
              resolve();
            }, 5_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }
}
