// Splits the fixture files of test/fixtures/domjobinfo into single `virsh domjobinfo` outputs. Those files
// interleave command lines ("$ virsh …"), exit codes ("rc=0"), poll headers ("=== t=…"), domstate lines and
// --rawstats copies prefixed with "raw| ".

export function splitCaptures(text: string): string[] {
  const blocks: string[][] = [];
  let human: string[] | undefined;
  let raw: string[] | undefined;
  const flush = () => {
    for (const b of [human, raw]) if (b?.some((l) => l.startsWith('Job type:'))) blocks.push(b);
    human = undefined;
    raw = undefined;
  };
  for (const line of text.split('\n')) {
    if (/^(\$ |=== |rc=|domstate:)/.test(line)) {
      flush();
      continue;
    }
    if (line.startsWith('raw| ')) {
      raw ??= [];
      raw.push(line.slice(5));
    } else if (line.startsWith('Job type:') && human?.some((l) => l.startsWith('Job type:'))) {
      flush();
      human = [line];
    } else {
      human ??= [];
      human.push(line);
    }
  }
  flush();
  return blocks.map((b) => b.join('\n'));
}
