// The service's view and the report, on the lab: a sweep with the probe on (pre-copy vs post-copy under a
// writing load), summary.csv recomputed from trials.csv, report.html opened in headless Chromium with every
// chart drawn from data, and a recommendation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { num, readTrials } from '../../src/results/read-trials.js';
import { migbench } from '../support/cli.js';
import { CHROMIUM, e2eSkipReason } from '../support/e2e-env.js';
import { experiment } from '../support/experiment.js';
import { mean } from '../support/mean.js';
import { checkSummaryAgainstTrials } from '../support/summary-check.js';
import { runToEnd } from '../support/sweep.js';
import { useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-report-'));
const out = join(work, 'probe');

describe('service probe, report and recommendation on the lab', { skip }, () => {
  before(useTestLab);
  after(() => rmSync(work, { recursive: true, force: true }));

  test('with the probe on: outage and pull-phase latency per trial, post-copy beside pre-copy', async (t) => {
    const exp = experiment(
      work,
      'probe',
      [
        'strategies: [precopy, postcopy]',
        'loads: [{name: w60-30, size: "60%", rate_mib_s: 30}]',
        'delays_ms: [10]',
        'repetitions: 2',
        'directions: both',
        'warmup_s: 2',
        'settle_s: 0',
        'timeout: {seconds: 60}',
        'probe: {rate_hz: 50, timeout_ms: 100, before_s: 1, after_s: 1}',
        'link_probe: {seconds: 0.5}', // for the report's link-floor chart
      ].join('\n'),
    );
    const { rows } = await runToEnd(exp, out, { extra: ['--quiet'] });
    assert.equal(rows.length, 8);
    for (const row of rows) {
      const what = `trial ${row.trial_index} ${row.strategy}`;
      assert.equal(row.status, 'completed', `${what}: ${row.error}`);
      assert.ok((num(row, 'probe_sent') ?? 0) >= 50, `${what}: the probe sent ${row.probe_sent} requests`);
      for (const c of ['probe_outage_ms', 'probe_baseline_p50_ms', 'probe_during_p99_ms', 'http_during_p99_ms']) assert.notEqual(row[c], '', `${what}: ${c}`);
      assert.ok(num(row, 'probe_baseline_p50_ms')! < 50, `${what}: baseline p50 ${row.probe_baseline_p50_ms} ms`);
      // the outage covers the guest's pause: at least the downtime QEMU reports, less one probe interval
      assert.ok(num(row, 'probe_outage_ms')! + 20 >= (num(row, 'downtime_ms') ?? 0), `${what}: outage ${row.probe_outage_ms} < downtime ${row.downtime_ms}`);
    }
    const post = rows.filter((x) => x.strategy === 'postcopy');
    const pre = rows.filter((x) => x.strategy === 'precopy');
    for (const row of post) {
      assert.equal(row.postcopy_used, 'yes');
      // answered requests during the page pull have their latency; when none was answered, the outage spans the pull
      const answered = row.probe_pull_p99_ms !== '';
      const silent = num(row, 'probe_outage_ms')! >= 0.8 * num(row, 'postcopy_phase_ms')!;
      assert.ok(answered || silent, `trial ${row.trial_index}: no pull-phase latency, and an outage of ${row.probe_outage_ms} ms in a ${row.postcopy_phase_ms} ms pull`);
    }
    const f = (rs: typeof rows, c: string) => mean(rs.map((x) => num(x, c)!)).toFixed(0);
    t.diagnostic(`outage ms: precopy ${f(pre, 'probe_outage_ms')}, postcopy ${f(post, 'probe_outage_ms')}; probe p99 during migration ms: precopy ${f(pre, 'probe_during_p99_ms')}, postcopy ${f(post, 'probe_during_p99_ms')}; postcopy pull phase ${f(post, 'postcopy_phase_ms')} ms, answered p99 ${f(post.filter((x) => x.probe_pull_p99_ms !== ''), 'probe_pull_p99_ms')} ms; downtime ms (QEMU's): precopy ${f(pre, 'downtime_ms')}; event downtime ms: precopy ${f(pre, 'event_downtime_ms')}, postcopy ${f(post, 'event_downtime_ms')}`);
  });

  test('report: summary.csv agrees with trials.csv; report.html renders in Chromium, every chart with data', async (t) => {
    const r = await migbench(['report', out]);
    assert.equal(r.code, 0, r.stderr);
    const checked = checkSummaryAgainstTrials(out, ['downtime_ms', 'total_time_ms', 'setup_time_ms', 'data_processed_bytes', 'switchover_ms', 'probe_outage_ms', 'probe_during_p99_ms']);
    assert.ok(checked >= 12, `${checked} summary lines checked`); // 2 cells × 7 metrics (downtime from the events where QEMU reported none)
    // post-copy behind a delay: QEMU leaves `downtime` out of most jobs; the summary, the table and the chart take the
    // events' pause for those, marked
    const substitutes = readTrials(join(out, 'trials.csv')).filter((x) => x.status === 'completed' && x.downtime_ms === '' && x.event_downtime_ms !== '');
    t.diagnostic(`${substitutes.length} trials without QEMU's downtime`);
    if (substitutes.length > 0) {
      assert.match(r.stdout, /\* downtime from libvirt's events \(event_downtime_ms\)/);
      assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /fill="url\(#downtime-hatch\)"/);
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith('file://')) requests.push(req.url());
      });
      await page.goto(`file://${join(out, 'report.html')}`);
      const charts = await page.$$eval('svg', (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect();
          return {
            title: s.closest('figure')?.querySelector('h3,figcaption')?.textContent?.slice(0, 60) ?? '',
            noData: s.classList.contains('no-data'),
            width: box.width,
            height: box.height,
            marks: s.querySelectorAll('rect,circle,path,polyline,line').length,
          };
        }),
      );
      assert.deepEqual(requests, [], 'the report fetches nothing');
      assert.ok(charts.length >= 12, `${charts.length} charts`);
      for (const title of ['Where the time went', "Total time against the link's floor", 'What the migration cost the hosts', "Post-copy's stall in three views"]) {
        assert.ok(charts.some((c) => c.title.startsWith(title)), `no chart "${title}" among ${charts.map((c) => c.title).join(' | ')}`);
      }
      for (const c of charts) {
        assert.equal(c.noData, false, `a chart without data: ${c.title}`);
        assert.ok(c.width > 100 && c.height > 80, `chart ${c.title} is drawn ${c.width}x${c.height}`);
        assert.ok(c.marks > 3, `chart ${c.title} has ${c.marks} marks`);
      }
      const shot = join(out, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 20_000);
      t.diagnostic(`${charts.length} charts rendered; screenshot ${statSync(shot).size} bytes`);
    } finally {
      await browser.close();
    }
  });

  test('recommend: for the service, per cell, with the uncertainty', async () => {
    const r = await migbench(['recommend', out, '--goal', 'service-latency']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /goal: lowest probe p99 round trip during migration \(ms\)/);
    assert.match(r.stdout, /w60-30 10ms\s+(precopy|postcopy|cannot separate)/);
  });
});
