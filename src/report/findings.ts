// Findings in words, at the top of report.html and under the terminal summary: per load × delay, what the data
// separates between the strategies — the lowest against the highest mean of downtime, total time and bytes, said
// only when Welch's test separates them (p < 0.05, as `recommend`; one test per aspect, uncorrected), with
// post-copy's stall and pull where measured.
import { groupName } from '../plan/cell.js';
import { cellKeyOf, groupBy } from '../results/cells.js';
import { num, type TrialRow } from '../results/read-trials.js';
import { DOWNTIME, downtimesFromEvents, metricValue } from './downtime.js';
import { describe, welch, type Described } from './stats.js';

export interface Finding {
  /** load · delay (· knobs). */
  readonly group: string;
  readonly text: string;
  /** The chart it is read from (report.html anchor). */
  readonly chart: string;
}

/** As `recommend`: Welch's two-sided p below this separates two strategies. */
const SEPARATES = 0.05;

const ASPECTS = [
  { metric: DOWNTIME, chart: 'downtime', what: 'downtime' },
  { metric: 'total_time_ms', chart: 'total-time', what: 'total time' },
  { metric: 'data_processed_bytes', chart: 'bytes', what: 'bytes' },
] as const;

const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
const pm = (d: Described) => (d.ci95 && d.n >= 3 ? ` ± ${ms(d.ci95[1] - d.mean)}` : '');

export function findings(rows: readonly TrialRow[]): Finding[] {
  const out: Finding[] = [];
  for (const [group, rs] of groupBy(rows, (r) => groupName(cellKeyOf(r, false)))) {
    const byStrategy = [...groupBy(rs, (r) => r.strategy ?? '')].map(([strategy, all]) => ({ strategy, all, ok: all.filter((r) => r.status === 'completed') }));
    if (byStrategy.length < 2) continue;
    for (const a of ASPECTS) {
      const per = byStrategy
        .map((s) => ({ ...s, xs: s.ok.map((r) => metricValue(r, a.metric)).filter((x): x is number => x !== undefined) }))
        .filter((s) => s.xs.length > 0)
        .map((s) => ({ ...s, d: describe(s.xs, 0)! }))
        .sort((x, y) => x.d.mean - y.d.mean);
      const [lo, hi] = [per[0], per.at(-1)];
      if (!lo || !hi || lo === hi) continue;
      const test = welch(lo.xs, hi.xs);
      if (!test || test.p >= SEPARATES) continue;
      const p = `p = ${test.p.toPrecision(2)}`;
      const done = [lo, hi].filter((s) => s.ok.length < s.all.length).map((s) => `; ${s.strategy} completed ${s.ok.length} of ${s.all.length}`).join('');
      let text: string;
      if (a.metric === 'data_processed_bytes') {
        // a small difference the test separates reads as a percentage, not as "1.0×"
        const ratio = hi.d.mean / lo.d.mean;
        const more = ratio >= 1.1 ? `${ratio.toFixed(1)}× the bytes of` : `${((ratio - 1) * 100).toFixed(1)} % more bytes than`;
        text = `${hi.strategy} sent ${more} ${lo.strategy} (${(hi.d.mean / 2 ** 20).toFixed(0)} against ${(lo.d.mean / 2 ** 20).toFixed(0)} MiB, ${p}${done})`;
      } else {
        const events = a.metric === DOWNTIME && downtimesFromEvents([...lo.ok, ...hi.ok]) > 0 ? ", partly libvirt's events' pause where QEMU reported none" : '';
        text = `${a.what}: ${lo.strategy} ${ms(lo.d.mean)}${pm(lo.d)} against ${hi.strategy} ${ms(hi.d.mean)}${pm(hi.d)} (${p}${events}${done})${a.metric === DOWNTIME ? stall(lo.strategy, lo.ok) : ''}`;
      }
      out.push({ group, text, chart: a.chart });
    }
  }
  return out;
}

/** ", but postcopy's vCPUs stood blocked 1.5 s during a 7.0 s page pull", over its trials that ran in post-copy. */
function stall(strategy: string, ok: readonly TrialRow[]): string {
  const pulled = ok.filter((r) => r.postcopy_used === 'yes');
  const blocked = describe(pulled.map((r) => num(r, 'postcopy_blocktime_ms')).filter((x): x is number => x !== undefined));
  const pull = describe(pulled.map((r) => num(r, 'phase_postcopy_ms')).filter((x): x is number => x !== undefined));
  if (!blocked || !pull || pull.mean <= 0) return '';
  return `, but ${strategy}'s vCPUs stood blocked ${ms(blocked.mean)} by QEMU's count during a ${ms(pull.mean)} page pull`;
}

/** The terminal's lines: "findings (p < 0.05, Welch):" and one per finding. */
export function findingsText(fs: readonly Finding[]): string {
  if (fs.length === 0) return 'findings: none the data separates (p < 0.05, Welch) — more repetitions would tell';
  return ['findings (what the data separates, p < 0.05, Welch):', ...fs.map((f) => `  ${f.group}: ${f.text}`)].join('\n');
}
