// Findings in words, at the top of report.html and under the terminal summary: per load × delay, what the data
// separates between the strategies — the lowest against the highest mean of downtime, total time and bytes, said
// only when Welch's test separates them (p < 0.05, as `recommend`), with post-copy's stall and pull where measured.
import { groupName } from '../plan/cell.js';
import { cellKeyOf, groupBy } from '../results/cells.js';
import { num, type TrialRow } from '../results/read-trials.js';
import { metricValue } from './downtime.js';
import { describe, welch, type Described } from './stats.js';

export interface Finding {
  /** load · delay (· knobs). */
  readonly group: string;
  readonly text: string;
  /** The chart it is read from (report.html anchor). */
  readonly chart: string;
}

const ASPECTS = [
  { metric: 'downtime_ms', chart: 'downtime', what: 'downtime' },
  { metric: 'total_time_ms', chart: 'total-time', what: 'total time' },
  { metric: 'data_processed_bytes', chart: 'bytes', what: 'bytes' },
] as const;

const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
const pm = (d: Described) => (d.ci95 && d.n >= 3 ? ` ± ${ms(d.ci95[1] - d.mean)}` : '');

export function findings(rows: readonly TrialRow[]): Finding[] {
  const out: Finding[] = [];
  for (const [group, rs] of groupBy(rows, (r) => groupName(cellKeyOf(r, false)))) {
    const byStrategy = [...groupBy(rs.filter((r) => r.status === 'completed'), (r) => r.strategy ?? '')];
    if (byStrategy.length < 2) continue;
    for (const a of ASPECTS) {
      const per = byStrategy
        .map(([strategy, ok]) => ({ strategy, ok, xs: ok.map((r) => metricValue(r, a.metric)).filter((x): x is number => x !== undefined) }))
        .filter((s) => s.xs.length > 0)
        .map((s) => ({ ...s, d: describe(s.xs, 0)! }))
        .sort((x, y) => x.d.mean - y.d.mean);
      const [lo, hi] = [per[0], per.at(-1)];
      if (!lo || !hi || lo === hi) continue;
      const test = welch(lo.xs, hi.xs);
      if (!test || test.p >= 0.05) continue;
      const p = `p = ${test.p.toPrecision(2)}`;
      let text: string;
      if (a.metric === 'data_processed_bytes') {
        text = `${hi.strategy} sent ${(hi.d.mean / lo.d.mean).toFixed(1)}× the bytes of ${lo.strategy} (${(hi.d.mean / 2 ** 20).toFixed(0)} against ${(lo.d.mean / 2 ** 20).toFixed(0)} MiB, ${p})`;
      } else {
        text = `${lo.strategy} cut ${a.what} from ${ms(hi.d.mean)}${pm(hi.d)} (${hi.strategy}) to ${ms(lo.d.mean)}${pm(lo.d)} (${p})${a.metric === 'downtime_ms' ? stall(lo.ok) : ''}`;
      }
      out.push({ group, text, chart: a.chart });
    }
  }
  return out;
}

/** ", but its vCPUs stood blocked 1.5 s during a 7.0 s page pull", when post-copy's figures were measured. */
function stall(ok: readonly TrialRow[]): string {
  const blocked = describe(ok.map((r) => num(r, 'postcopy_blocktime_ms')).filter((x): x is number => x !== undefined));
  const pull = describe(ok.map((r) => num(r, 'phase_postcopy_ms')).filter((x): x is number => x !== undefined));
  if (!blocked || !pull || pull.mean <= 0) return '';
  return `, but its vCPUs stood blocked ${ms(blocked.mean)} by QEMU's count during a ${ms(pull.mean)} page pull`;
}

/** The terminal's lines: "findings (p < 0.05, Welch):" and one per finding. */
export function findingsText(fs: readonly Finding[]): string {
  if (fs.length === 0) return 'findings: none the data separates (p < 0.05, Welch) — more repetitions would tell';
  return ['findings (what the data separates, p < 0.05, Welch):', ...fs.map((f) => `  ${f.group}: ${f.text}`)].join('\n');
}
