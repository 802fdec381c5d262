// The migbench command line. Command modules are imported only when their command runs, so --help is fast.
import { Command, CommanderError } from 'commander';
import { EXIT } from '../errors.js';
import { reportError } from './exit.js';
import { watchTerminal } from './terminal.js';

// `migbench plan … | head` closes our stdout early: that is not an error; nor is a closed terminal under a sweep.
watchTerminal();

const program = new Command()
  .name('migbench')
  .description('Drive real libvirt/QEMU live migrations between two hosts and measure them.')
  .version('0.1.0')
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({
    outputError: (str, write) => write(`migbench: ${str.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} — see migbench --help\n`),
  });

program
  .command('run')
  .description('run every trial of an experiment against two hosts; writes results/<sweep-id>/trials.csv')
  .argument('[experiment]', 'experiment YAML file, e.g. experiments/smoke.yaml (not needed with --resume)')
  .option('--hosts <file>', 'hosts YAML file (default: ./hosts.yaml, or the lab\'s when `migbench lab up` ran; with --resume: the sweep\'s)')
  .option('--out <dir>', 'results folder (default: results/<sweep-id>)')
  .option('--resume <dir>', 'continue the sweep in this results folder: run only the trials it does not hold yet')
  .option('--sla <rules>', 'exit 3 when a cell breaks a rule, e.g. max:downtime_ms<=300,total_time_ms<=20000 (mean unless max:/min:/median:)')
  .option('--junit <file>', 'write the cells as JUnit XML test cases (failed trials and SLA violations fail them)')
  .option('--shard <i/n>', 'run only share i of n of the sweep (a CI job matrix over machines); merge with migbench report')
  .option('-q, --quiet', 'print nothing but errors')
  .option('-v, --verbose', 'print debug logs on stderr')
  .addHelpText('after', `\nExit codes: 0 ok, 1 runtime failure (a failed trial, a host problem), 2 bad input, 3 SLA violated, 4 hosts locked by another sweep; stopped by a signal (cleaned up, results kept): ${Object.entries(EXIT.signals).map(([s, c]) => `${c} ${s}`).join(', ')}.`)
  .action(async (experiment: string | undefined, opts) => {
    const { runCommand } = await import('./run.js');
    process.exitCode = await runCommand(experiment, opts);
  });

program
  .command('doctor')
  .description('check both hosts (and the guest) for everything a sweep needs; a row per check, exit 1 on any fail')
  .option('--hosts <file>', 'hosts YAML file (default: ./hosts.yaml, or the lab\'s)')
  .option('--experiment <file>', 'also check what this experiment needs (its strategies, delay method, loads)')
  .action(async (opts) => {
    const { doctorCommand } = await import('./doctor.js');
    process.exitCode = await doctorCommand(opts);
  });

program
  .command('cleanup')
  .description('undo what a dead sweep left on the hosts (delays, uploaded files) and settle the VM on one host')
  .option('--hosts <file>', 'hosts YAML file (default: ./hosts.yaml, or the lab\'s)')
  .option('-v, --verbose', 'print debug logs on stderr')
  .action(async (opts) => {
    const { cleanupCommand } = await import('./cleanup.js');
    process.exitCode = await cleanupCommand(opts);
  });

program
  .command('import')
  .description('turn saved `virsh domjobinfo` output (human table of any libvirt since 1.2, or --rawstats) into a results folder')
  .argument('<files...>', 'text files holding one or many domjobinfo outputs')
  .option('--out <dir>', 'results folder (default: results/import-<time>)')
  .action(async (files: string[], opts) => {
    const { importCommand } = await import('./import.js');
    process.exitCode = importCommand(files, opts);
  });

program
  .command('report')
  .description('statistics per cell (summary.csv) and report.html with charts, from one results folder or several merged')
  .argument('<results...>', 'results folder(s) (of migbench run or import); several: shards or pairs of one sweep, merged')
  .option('--out <dir>', 'where the merged summary.csv and report.html go (needed with several folders)')
  .option('--compare <other>', 'put another results folder side by side (writes compare-<other>.html)')
  .option('--by-direction', 'keep the two directions apart in the cells')
  .option('--timelines <which>', 'median (default: one trial per cell) or all (a timeline for every trial)')
  .option('--model <file>', 'a model.json of migbench fit: the predictions beside the measurements, per cell, with the error')
  .option('-q, --quiet', 'print nothing but errors')
  .action(async (dirs: string[], opts) => {
    const { reportCommand } = await import('./report.js');
    process.exitCode = await reportCommand(dirs, opts);
  });

program
  .command('metrics')
  .description("per cell of each sweep, downtime, total time and bytes (quantiles), trial counts, the sweep's time and SLA results, as a Prometheus textfile (node_exporter)")
  .argument('<results...>', 'results folder(s) of migbench run')
  .option('--out <file>', 'write there (atomically: node_exporter may read it at any time), e.g. /var/lib/prometheus/node-exporter/migbench.prom; default stdout')
  .option('--sla <rules>', 'SLA rules as for run --sla, exported as migbench_sla_ok and migbench_sla_value')
  .action(async (dirs: string[], opts) => {
    const { metricsCommand } = await import('./metrics.js');
    process.exitCode = metricsCommand(dirs, opts);
  });

program
  .command('trend')
  .description('each cell\'s downtime, total time and bytes across sweeps in time order; flags the newest sweep where it departs from those before it (Welch)')
  .argument('<results...>', 'results folders of the series (shards of one sweep count as one)')
  .option('--out <file>', 'the HTML chart (default trend.html)')
  .option('--fail-on-regression', 'exit 3 when the newest sweep regressed in any cell')
  .option('-q, --quiet', 'print nothing but errors')
  .action(async (dirs: string[], opts) => {
    const { trendCommand } = await import('./trend.js');
    process.exitCode = await trendCommand(dirs, opts);
  });

program
  .command('recommend')
  .description('for each load × delay cell: the best strategy for a goal, by how much, and whether the data can tell')
  .argument('<results>', 'results folder')
  .requiredOption('--goal <goal>', 'downtime | total-time | bytes | service-latency')
  .option('--max-downtime-ms <ms>', 'leave out strategies whose mean downtime is above this')
  .action(async (dir: string, opts) => {
    const { recommendCommand } = await import('./report.js');
    process.exitCode = recommendCommand(dir, opts);
  });

program
  .command('fit')
  .description("fit the model's constants of a host pair to sweeps (docs/model.md); prints the fit's error per strategy")
  .argument('<results...>', 'results folder(s) of migbench run, with idle trials, link_probe and dirty_rate_calc on')
  .option('--out <file>', 'where the model goes, e.g. model.json')
  .action(async (dirs: string[], opts) => {
    const { fitCommand } = await import('./fit.js');
    process.exitCode = fitCommand(dirs, opts);
  });

program
  .command('advise')
  .description("measure the live VM's dirty rate and its link (no migration) and predict each strategy with the model: the best for a goal, with intervals")
  .option('--hosts <file>', "hosts YAML file (default: ./hosts.yaml, or the lab's)")
  .option('--model <file>', 'a model.json of migbench fit (default: fit the folders under --results, else default constants)')
  .option('--results <dir>', 'where to look for results folders to fit when no --model is given (default: ./results)')
  .option('--goal <goal>', 'downtime (default) | total-time | bytes | service-latency')
  .option('--max-downtime-ms <ms>', "QEMU's downtime limit for pre-copy, and leave out strategies predicted above it")
  .option('--non-zero-mib <MiB>', "the guest's non-zero RAM, when known (default: the fitted sweeps' idle guest + the working set)")
  .option('--working-set-mib <MiB>', 'the memory the guest keeps rewriting, when known (default: what QEMU saw dirtied in 4 s)')
  .option('--json', 'print the measure, the inputs and every prediction as JSON')
  .option('-v, --verbose', 'print debug logs on stderr')
  .action(async (opts) => {
    const { adviseCommand } = await import('./advise.js');
    process.exitCode = await adviseCommand(opts);
  });

program
  .command('plan')
  .description('print the ordered list of trials of an experiment without touching any host')
  .argument('<experiment>', 'experiment YAML file')
  .action(async (experiment: string) => {
    const { planCommand } = await import('./plan.js');
    process.exitCode = planCommand(experiment);
  });

const lab = program
  .command('lab')
  .description('a two-host libvirt lab on this machine (network namespaces; needs root)');
const labOptions = (c: Command) =>
  c
    .option('--dir <dir>', 'lab folder (default: $MIGBENCH_LAB_DIR or /tmp/migbench-lab)')
    .option('--prefix <p>', 'prefix of namespace and interface names (default: mb → mbA, mbB, mbbr0)')
    .option('--subnet <a.b.c>', 'private /24 of the lab (default: 10.77.0)');
labOptions(lab.command('up').description('create the lab: two hosts with sshd + libvirtd, a guest running on the first'))
  .option('--guest-memory <MiB>', 'guest RAM in MiB (default: 256)')
  .option('--libvirt <release>', "9 (bookworm's, default), 11 (11.3 from bookworm-backports, unpacked by .ci/install-deps) or 9,11: host A on 9.0, B on 11.3")
  .option('--keep-on-failure', 'leave a half-built lab in place for inspection')
  .action(async (opts) => {
    const { labUpCommand } = await import('./lab.js');
    process.exitCode = await labUpCommand(opts);
  });
lab
  .command('down')
  .description('remove the lab: guests, daemons, namespaces, bridge and folder (works when partly up)')
  .option('--dir <dir>', 'lab folder (default: $MIGBENCH_LAB_DIR or /tmp/migbench-lab)')
  .action(async (opts) => {
    const { labDownCommand } = await import('./lab.js');
    process.exitCode = await labDownCommand(opts);
  });
lab
  .command('status')
  .description('show what of the lab is up (exit 0 when healthy, 1 otherwise)')
  .option('--dir <dir>', 'lab folder (default: $MIGBENCH_LAB_DIR or /tmp/migbench-lab)')
  .action(async (opts) => {
    const { labStatusCommand } = await import('./lab.js');
    process.exitCode = await labStatusCommand(opts);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    process.exitCode = reportError(err);
  }
}
