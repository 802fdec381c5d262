// JUnit XML for CI systems: one test case per cell; a cell fails when a trial failed or an SLA rule broke.
import { esc } from '../report/charts/chart.js';
import { cellName } from '../plan/cell.js';
import { groupCells } from '../results/cells.js';
import type { TrialRow } from '../results/read-trials.js';
import { describeViolation, type SlaCheck } from './sla.js';

export function junitXml(sweepId: string, rows: readonly TrialRow[], checks: readonly SlaCheck[]): string {
  const cases = groupCells(rows).map((cell) => {
    const name = cellName(cell);
    const failed = cell.rows.filter((r) => r.status !== 'completed');
    const broken = checks.filter((c) => c.cell === name && !c.ok);
    const problems = [
      ...failed.map((r) => `trial ${r.trial_index} ${r.status}: ${r.error}`),
      ...broken.map(describeViolation),
    ];
    const seconds = cell.rows.reduce((s, r) => s + (Number(r.wall_time_ms) || 0), 0) / 1000;
    const out = checks.filter((c) => c.cell === name).map((c) => `${c.rule.text}: ${c.value === undefined ? 'n/a' : c.value.toFixed(1)} ${c.ok ? 'ok' : 'VIOLATED'}`);
    return [
      `    <testcase classname="migbench.${esc(sweepId)}" name="${esc(name)}" time="${seconds.toFixed(3)}">`,
      ...(problems.length ? [`      <failure message="${esc(problems[0]!)}">${esc(problems.join('\n'))}</failure>`] : []),
      ...(out.length ? [`      <system-out>${esc(out.join('\n'))}</system-out>`] : []),
      '    </testcase>',
    ].join('\n');
  });
  const failures = cases.filter((c) => c.includes('<failure')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="migbench" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${esc(sweepId)}" tests="${cases.length}" failures="${failures}" errors="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
