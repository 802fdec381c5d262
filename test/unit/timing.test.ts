import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEventLine, type DomainEvent } from '../../src/libvirt/events.js';
import { deriveTiming, toControllerClock } from '../../src/libvirt/timing.js';

const T0 = Date.parse('2026-11-27T07:17:56.000Z');

function ev(host: string, line: string): DomainEvent {
  return parseEventLine(line, host, T0 + 10_000)!;
}

// A real post-copy migration on the lab (times as virsh event --timestamp printed them)
const SOURCE = [
  "2026-11-27 07:17:56.277+0000: event 'migration-iteration' for domain 'mbvm': iteration: '1'",
  "2026-11-27 07:17:56.377+0000: event 'lifecycle' for domain 'mbvm': Suspended Migrated",
  "2026-11-27 07:17:56.380+0000: event 'lifecycle' for domain 'mbvm': Suspended Post-copy",
  "2026-11-27 07:18:01.909+0000: event 'lifecycle' for domain 'mbvm': Stopped Migrated",
].map((l) => ev('A', l));
const DEST = [
  "2026-11-27 07:17:56.270+0000: event 'lifecycle' for domain 'mbvm': Started Migrated",
  "2026-11-27 07:17:56.387+0000: event 'lifecycle' for domain 'mbvm': Resumed Post-copy",
  "2026-11-27 07:18:00.091+0000: event 'lifecycle' for domain 'mbvm': Resumed Migrated",
].map((l) => ev('B', l));

test('event lines: time stamp, type, domain, detail', () => {
  const e = SOURCE[0]!;
  assert.equal(e.at, Date.parse('2026-11-27T07:17:56.277Z'));
  assert.equal(e.type, 'migration-iteration');
  assert.equal(e.domain, 'mbvm');
  assert.equal(e.detail, "iteration: '1'");
  assert.equal(parseEventLine("event 'lifecycle' for domain 'it''s': Resumed Migrated", 'A', 5)!.at, 5, 'without --timestamp the arrival time is used');
  assert.equal(parseEventLine("event 'job-completed' for domain 'mbvm':", 'A', 5)!.detail, '');
  assert.equal(parseEventLine('\toperation: 5', 'A', 5), undefined);
});

test('post-copy: job start from the samples, switch-over, post-copy phase, event downtime', () => {
  // samples: at arrival time, time_elapsed said this much
  const samples = [
    { at: T0 + 339, type: 'unbounded' as const, stats: { time_elapsed: 324 } },
    { at: T0 + 861, type: 'unbounded' as const, stats: { time_elapsed: 847 } },
  ];
  const t = deriveTiming({ samples, sourceEvents: SOURCE, destinationEvents: DEST, commandStartedAt: T0 - 700, totalTimeMs: 4074 });
  assert.equal(t.jobStartBasis, 'samples');
  assert.equal(t.jobStartAt, T0 + 14);
  assert.equal(t.switchoverMs, 387 - 14);
  assert.equal(t.postcopy, true);
  assert.equal(t.postcopyMs, 3704);
  assert.equal(t.eventDowntimeMs, 10);
  assert.equal(t.suspendedByTimeout, false);
  // libvirt's total time ends when the destination has every page
  assert.ok(Math.abs(t.switchoverMs! + t.postcopyMs! - 4074) < 10);
});

test('pre-copy without samples falls back to the command start; host clocks are shifted', () => {
  const src = [ev('A', "2026-11-27 07:17:57.150+0000: event 'lifecycle' for domain 'mbvm': Suspended Migrated")];
  const dst = [ev('B', "2026-11-27 07:17:57.677+0000: event 'lifecycle' for domain 'mbvm': Resumed Migrated")];
  // host B's clock runs 500 ms ahead of the controller
  const t = deriveTiming({ samples: [], sourceEvents: src, destinationEvents: toControllerClock(dst, 500), commandStartedAt: T0 + 600, totalTimeMs: 560 });
  assert.equal(t.jobStartBasis, 'command');
  assert.equal(t.switchoverMs, 1177 - 600);
  assert.equal(t.postcopy, false);
  assert.equal(t.postcopyMs, undefined);
  assert.equal(t.eventDowntimeMs, 27);
});

test('virsh --timeout-suspend shows as Suspended Paused on the source', () => {
  const src = [ev('A', "2026-11-27 07:18:00.000+0000: event 'lifecycle' for domain 'mbvm': Suspended Paused")];
  const t = deriveTiming({ samples: [], sourceEvents: src, destinationEvents: [], commandStartedAt: T0, totalTimeMs: undefined });
  assert.equal(t.suspendedByTimeout, true);
  assert.equal(t.switchoverMs, undefined);
});
