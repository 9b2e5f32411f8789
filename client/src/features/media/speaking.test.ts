import { describe, expect, it } from 'vitest';
import { callRoomOptions, SPEAKING_STOP_DELAY_MS, speakingAfter, speakingInCall, SpeakingReporter, type ReporterTimers } from './speaking.js';

/** Timers the test runs by hand: `elapse(ms)` fires those due. */
function manualTimers() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: ReporterTimers = {
    set: (run, ms) => {
      next += 1;
      pending.set(next, { at: now + ms, run });
      return next;
    },
    clear: (handle) => void pending.delete(handle as number),
  };
  const elapse = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...pending]) {
      if (timer.at > now) continue;
      pending.delete(id);
      timer.run();
    }
  };
  return { timers, elapse };
}

describe('a call\'s LiveKit room', () => {
  it('sends cameras in several qualities and receives video only as large as it is shown', () => {
    expect(callRoomOptions({})).toEqual({ adaptiveStream: true, dynacast: true, publishDefaults: { simulcast: true } });
    expect(callRoomOptions({ microphoneId: 'mic-2', cameraId: 'cam-1' })).toMatchObject({
      adaptiveStream: true,
      publishDefaults: { simulcast: true },
      audioCaptureDefaults: { deviceId: 'mic-2' },
      videoCaptureDefaults: { deviceId: 'cam-1' },
    });
  });
});

describe('telling the workshop who speaks', () => {
  it('reports a start at once, a stop only after a pause, and each state once', () => {
    const sent: boolean[] = [];
    const { timers, elapse } = manualTimers();
    const reporter = new SpeakingReporter((speaking) => sent.push(speaking), timers);
    reporter.update(false);
    expect(sent).toEqual([]);
    reporter.update(true);
    reporter.update(true);
    expect(sent).toEqual([true]);
    // A short breath is no stop.
    reporter.update(false);
    elapse(SPEAKING_STOP_DELAY_MS - 1);
    reporter.update(true);
    elapse(SPEAKING_STOP_DELAY_MS);
    expect(sent).toEqual([true]);
    reporter.update(false);
    reporter.update(false);
    elapse(SPEAKING_STOP_DELAY_MS);
    expect(sent).toEqual([true, false]);
    // Leaving the call while speaking ends it at once; leaving quiet sends nothing.
    reporter.update(true);
    reporter.close();
    expect(sent).toEqual([true, false, true, false]);
    reporter.close();
    expect(sent).toEqual([true, false, true, false]);
  });

  it('keeps the speakers of the people list from the server\'s events, only those in a call', () => {
    expect(speakingAfter([], 'ana', true)).toEqual(['ana']);
    expect(speakingAfter(['ben'], 'ana', true)).toEqual(['ana', 'ben']);
    expect(speakingAfter(['ana', 'ben'], 'ana', true)).toEqual(['ana', 'ben']);
    expect(speakingAfter(['ana', 'ben'], 'ana', false)).toEqual(['ben']);
    expect(speakingInCall(['ana', 'ben'], { ben: 'plenary' })).toEqual(['ben']);
  });
});
