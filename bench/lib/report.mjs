/**
 * The benchmark's tables, from its results (run.mjs prints them at the end of a run;
 * tools/table.mjs prints them again from saved result files).
 */
import { fmt, median } from './util.mjs';

export const RECONNECTS = 50;
const SERVER_LABEL = {
  werkraum: 'Werkraum /collab',
  ywss: '@y/websocket-server 0.1.1',
  hocuspocus: '@hocuspocus/server 3.4.4',
};

const KB = (bytes) => bytes / 1024;

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

export function tableA(results) {
  const cols = results.map((r) => r.scenario);
  const lines = [];
  lines.push(row(['figure (Werkraum, whole server)', ...cols.map((c) => `${c}: ${results.find((r) => r.scenario === c).title}`), 'target']));
  lines.push(row(['---', ...cols.map(() => '---:'), '---']));
  const add = (label, get, target = '') => lines.push(row([label, ...results.map((r) => get(r)), target]));
  const h = (r, name, p) => fmt(r.hists?.[name]?.[p]);
  add('participants / workshops / rooms', (r) => `${r.participants} / ${r.workshops} / ${r.rooms || 'plenary'}`);
  add('join: connect -> joined, p50 / p99 ms', (r) => `${h(r, 'join', 'p50')} / ${h(r, 'join', 'p99')}`);
  add('join and sync: connect -> notes synced, p50 / p99 ms', (r) => `${h(r, 'joinSync', 'p50')} / ${h(r, 'joinSync', 'p99')}`);
  add('room switch: round opened -> room notes synced, p50 / p99 ms', (r) => (r.hists?.roomSwitch ? `${h(r, 'roomSwitch', 'p50')} / ${h(r, 'roomSwitch', 'p99')}` : '-'));
  add(
    'moderator action -> every participant, p50 / p99 / max ms',
    (r) => `${fmt(r.actions.all.p50)} / ${fmt(r.actions.all.p99)} / ${fmt(r.actions.all.max)}`,
    'p99 <= 25 (1,000), <= 50 (3,000)',
  );
  add('  server side: action acknowledged to the moderator (broadcast written to every socket), p50 / p99 ms', (r) => `${h(r, 'actionAck', 'p50')} / ${h(r, 'actionAck', 'p99')}`);
  add('  of which extend (agenda:run), p99 ms', (r) => fmt(r.actions.byKind.extend?.p99));
  add('  of which poll created/opened/closed (poll:changed), p99 ms', (r) =>
    [r.actions.byKind.pollCreate?.p99, r.actions.byKind.pollOpen?.p99, r.actions.byKind.pollClose?.p99].map((v) => fmt(v)).join(' / '),
  );
  add('  actions measured; receipts / expected', (r) => `${r.actions.actions}; ${fmt(100 * r.actions.coverage, 1)} %`);
  add('note edit -> others in the room, p50 / p99 / max ms', (r) => `${h(r, 'edit', 'p50')} / ${h(r, 'edit', 'p99')} / ${h(r, 'edit', 'max')}`, 'p99 <= 25 (s1), <= 100 (s2)');
  add('  edits received (samples)', (r) => String(r.hists?.edit?.n ?? 0));
  add('  measured by the moderation\'s probes (no generator lag), p50 / p99 / max ms', (r) => `${h(r, 'editProbe', 'p50')} / ${h(r, 'editProbe', 'p99')} / ${h(r, 'editProbe', 'max')}`);
  add(
    `reconnect of ${RECONNECTS} at once (socket resumed and notes synced), p50 / p99 / max ms`,
    (r) => `${h(r, 'reconnect', 'p50')} / ${h(r, 'reconnect', 'p99')} / ${h(r, 'reconnect', 'max')}`,
    'p99 <= 120',
  );
  add('  of which notes only (y-websocket resync), p99 ms', (r) => h(r, 'reconnectNotes', 'p99'));
  add('  of which socket only (session:resume), p99 ms', (r) => h(r, 'reconnectSocket', 'p99'));
  add('server memory per participant: RSS after GC / heap+external, KB', (r) => `${fmt(KB(r.memory.rssPerParticipant))} / ${fmt(KB(r.memory.heapPerParticipant))}`, '<= 35 KB');
  add('  RSS during steady load per participant (no forced GC), KB; peak RSS MB', (r) => `${fmt(KB(r.memory.rssSteadyPerParticipant))}; ${fmt(r.memory.rssPeak / 2 ** 20)}`);
  add('server CPU, % of one core: join / rooms / steady', (r) =>
    [r.phases.join?.cpuPercent, r.phases.breakout?.cpuPercent, r.phases.steady?.cpuPercent].map((v) => fmt(v, 0)).join(' / '),
  );
  add('server waiting for a CPU (run queue), % of time: join / rooms / steady', (r) =>
    [r.phases.join?.waitPercent, r.phases.breakout?.waitPercent, r.phases.steady?.waitPercent].map((v) => fmt(v, 0)).join(' / '),
  );
  add('server event-loop delay in steady load, p50 / p99 / max ms', (r) => `${fmt(r.phases.steady.eldP50)} / ${fmt(r.phases.steady.eldP99)} / ${fmt(r.phases.steady.eldMax)}`, 'no stall > 100 ms (s3)');
  add('longest event-loop stall: join / rooms / steady / reconnect, ms', (r) =>
    ['join', 'breakout', 'steady', 'reconnect'].map((p) => (r.phases[p] ? fmt(r.phases[p].eldMax, 0) : '-')).join(' / '),
  );
  add('stalls > 100 ms (all phases)', (r) => String(Object.values(r.phases).reduce((n, p) => n + p.stalls.filter((s) => s.ms > 100).length, 0)));
  add('steady load, CPU % of one core: generators (each) / other tenants of the machine', (r) =>
    `${r.generatorsSteady.map((g) => fmt(g.cpuPercent, 0)).join(' + ')} / ${fmt(r.phases.steady.otherPercent, 0)}`,
  );
  add('generators\' own event-loop delay in steady load, p99 / max ms', (r) =>
    r.generatorsSteady.map((g) => `${fmt(g.p99, 0)} / ${fmt(g.max, 0)}`).join(', '),
  );
  add('failures: joins / reconnects / errors', (r) => `${r.joinFailed} / ${r.reconnectFailed} / ${Object.values(r.errors).reduce((a, b) => a + b, 0)}`);
  add('run time s', (r) => fmt(r.seconds, 0));
  return lines.join('\n');
}

const METRICS_B = [
  ['join and sync p50 ms', (r) => r.hists.joinSync?.p50],
  ['join and sync p99 ms', (r) => r.hists.joinSync?.p99],
  ['edit propagation p50 ms', (r) => r.hists.edit?.p50],
  ['edit propagation p99 ms', (r) => r.hists.edit?.p99],
  ['edit propagation p50 ms, probe (no generator lag)', (r) => r.hists.editProbe?.p50],
  ['edit propagation p99 ms, probe (no generator lag)', (r) => r.hists.editProbe?.p99],
  [`reconnect ${RECONNECTS} at once p50 ms`, (r) => r.hists.reconnect?.p50],
  [`reconnect ${RECONNECTS} at once p99 ms`, (r) => r.hists.reconnect?.p99],
  ['server CPU % (steady)', (r) => r.steady.cpuPercent],
  ['server waiting for a CPU % (steady)', (r) => r.steady.waitPercent],
  ['other tenants CPU % (steady)', (r) => r.steady.otherPercent],
  ['event-loop delay p99 ms (steady)', (r) => r.steady.eldP99],
  ['event-loop delay max ms (steady)', (r) => r.steady.eldMax],
  ['generators\' loop delay p99 ms (steady, client lag)', (r) => Math.max(...r.generatorsSteady.map((g) => g.p99))],
  ['memory per client KB (RSS after GC)', (r) => KB(r.memory.rssPerClient)],
  ['memory per client KB (heap+external)', (r) => KB(r.memory.heapPerClient)],
];

export function summariseB(runs) {
  const out = {};
  for (const sc of [...new Set(runs.map((r) => r.scenario))]) {
    out[sc] = {};
    for (const kind of ['werkraum', 'ywss', 'hocuspocus']) {
      const all = runs.filter((r) => r.scenario === sc && r.kind === kind);
      const mine = all.filter((r) => !r.incomplete);
      if (!all.length) continue;
      out[sc][kind] = Object.fromEntries(METRICS_B.map(([label, get]) => [label, mine.length ? median(mine.map(get)) : NaN]));
      out[sc][kind].completed = `${mine.length} of ${all.length}`;
    }
  }
  return out;
}

export function tableB(runs) {
  const summary = summariseB(runs);
  const lines = [];
  lines.push(row(['scenario', 'figure (median of runs)', SERVER_LABEL.werkraum, SERVER_LABEL.ywss, SERVER_LABEL.hocuspocus, 'ratio W/y-ws', 'ratio W/hocuspocus']));
  lines.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:']));
  for (const [sc, kinds] of Object.entries(summary)) {
    const n = runs.filter((r) => r.scenario === sc && r.kind === 'werkraum').length;
    const first = runs.find((r) => r.scenario === sc && !r.incomplete) ?? { clients: '?', docs: '?' };
    lines.push(
      row([
        `${sc} (${first.clients} clients, ${first.docs} doc${first.docs === 1 ? '' : 's'}, ${n}x)`,
        'runs completed within the bounds',
        kinds.werkraum?.completed ?? '-',
        kinds.ywss?.completed ?? '-',
        kinds.hocuspocus?.completed ?? '-',
        '',
        '',
      ]),
    );
    for (const [label] of METRICS_B) {
      const w = kinds.werkraum?.[label];
      const y = kinds.ywss?.[label];
      const hp = kinds.hocuspocus?.[label];
      lines.push(
        row([
          `${sc} (${first.clients} clients, ${first.docs} doc${first.docs === 1 ? '' : 's'}, ${n}x)`,
          label,
          fmt(w),
          fmt(y),
          fmt(hp),
          fmt(w / y, 2),
          fmt(w / hp, 2),
        ]),
      );
    }
  }
  return lines.join('\n');
}
