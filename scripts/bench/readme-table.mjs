// Renders bench/results.json as the README's performance section (between its markers), so the
// README shows exactly what the last `npm run bench` measured. `node scripts/bench/readme-table.mjs`
// rewrites README.md from bench/results.json; benchmark.mjs prints the same table.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const round = (x, d = 0) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
const ms = (x) => (x === null || x === undefined ? '-' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const fmt = (x) => (x === null || x === undefined ? '–' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x).toLocaleString('en-US')} ms`);
const mib = (x) => (x === null || x === undefined ? '–' : `${Math.round(x)} MiB`);

export function renderTable(r) {
  const m = r.machine;
  const lines = [];
  lines.push(`Measured by \`npm run bench\` on ${r.finishedAt?.slice(0, 10) ?? r.startedAt.slice(0, 10)}: ${m.os}, ${m.cpus} CPUs (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}; loopback lab, endpoints answering after ${r.delayMs} ms; medians of ${r.quick ? 3 : 5} (curl at 128 and 512: one run).`);
  lines.push('');
  if (r.probes) {
    lines.push('| endpoints | agent | CPU | peak RSS | floor (one TLS context) | agent / floor | goal (1.25 x floor + 0.3 s) | xargs -P8 curl | sequential curl | ok |');
    lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const p of r.probes) {
      lines.push(`| ${p.n} | ${fmt(p.agent.wallMs)} | ${fmt(p.agent.cpuMs)} | ${mib(p.agent.rssMiB)} | ${fmt(p.floor.wallMs)} | ${p.ratioToFloor} x | ${fmt(p.goalMs)} | ${p.xargsP8Curl ? `${fmt(p.xargsP8Curl.wallMs)} (agent ${p.ratioToXargsP8} x)` : 'not run'} | ${p.sequentialCurl ? `${fmt(p.sequentialCurl.wallMs)} (${p.speedupOverSequential} x slower)` : 'not run'} | ${p.endpointsOk}/${p.n} |`);
    }
    lines.push('');
    lines.push(`CPU per endpoint (slope from ${r.probes[0].n} to ${r.probes.at(-1).n}): agent ${r.cpuPerEndpointMs} ms, floor ${r.floorCpuPerEndpointMs} ms.`);
    lines.push('');
  }
  if (Array.isArray(r.dns)) {
    lines.push('| slow DNS server (answers after 1.5 s), 16 + catalog names | resolved | DNS failures | longest lookup | longest wait for a resolver thread | run |');
    lines.push('|---|---:|---:|---:|---:|---:|');
    for (const d of r.dns) lines.push(`| ${d.case} | ${d.resolved}/${d.probed} | ${d.dnsFailed} | ${fmt(d.maxDnsMs)} | ${fmt(d.maxQueuedMs)} | ${fmt(d.wallMs)} |`);
    lines.push('');
  } else if (r.dns?.skipped) lines.push(`DNS: not measured (${r.dns.skipped}).`, '');
  if (r.deadline) {
    lines.push('| every endpoint silent, --deadline 10 | run | endpoints with their evidence | "stopped at the deadline" |');
    lines.push('|---|---:|---:|---:|');
    for (const d of r.deadline) lines.push(`| ${d.runtime} | ${fmt(d.wallMs)} (limit ${fmt(d.limitMs)}) | ${d.withEvidence}/${d.planned} | ${d.stoppedAtDeadline} |`);
    lines.push('');
  }
  if (r.trust) {
    lines.push(`| trust store (--checks trust., whole run; --version alone: ${fmt(r.trustStartupMs)}) | files | run | CPU | peak RSS | verdict |`);
    lines.push('|---|---:|---:|---:|---:|---|');
    for (const t of r.trust) lines.push(`| ${t.store} | ${t.files.toLocaleString('en-US')} | ${fmt(t.wallMs)} | ${fmt(t.cpuMs)} | ${mib(t.rssMiB)} | ${t.verdictMatches ? 'right' : 'WRONG'} |`);
    lines.push('');
  }
  if (r.defaultRun) lines.push(`Default run (${r.defaultRun.note}): ${fmt(r.defaultRun.wallMs)}, CPU ${fmt(r.defaultRun.cpuMs)}, peak RSS ${mib(r.defaultRun.rssMiB)}.`, '');
  if (r.startup && !r.startup.skipped) lines.push(`Start-up of the linux-x64 download: \`--version\` ${r.startup.versionMs} ms against \`node -e 0\` of the same Node ${r.startup.nodeE0Ms} ms (${r.startup.ratio} x), peak RSS ${mib(r.startup.versionRssMiB)}.`, '');
  else if (r.startup?.skipped) lines.push(`Start-up: not measured (${r.startup.skipped}).`, '');
  if (r.goals?.length) {
    lines.push('| goal | met | measured | cause of the gap (measured) |');
    lines.push('|---|---|---|---|');
    for (const g of r.goals) lines.push(`| ${g.goal} | ${g.met ? 'yes' : '**no**'} | ${g.measured} | ${g.met ? '' : (g.cause ?? '')} |`);
  }
  return lines.join('\n');
}


/** Causes of the gaps, measured with --cpu-prof on this machine (see the README's Performance section). */
const CAUSES = {
  perProbeCpu:
    'main-thread CPU per probe: 3.5 ms against the floor\'s 1.4 ms (an undici Agent and request per probe, the peer chain turned into evidence, judging and the JSON report), on 2 CPUs shared with the lab: at 512 endpoints the run is CPU-bound',
  fixedCost:
    'the fixed cost of a run: Node start-up and the app bundle (~150 ms), the trust store parsed and one TLS context built from ~150 roots (~100 ms), judging and the report; 8 curl processes start in ~10 ms each and need none of it',
  directory:
    'four thread-pool round trips per file (open, fstat, read, close) at ~10 µs of main-thread time each, plus pool contention on 2 CPUs: ~1 s for 20,000 files before parsing; next step: a worker thread reading a directory\'s files synchronously',
};

/** The issue's goals, judged from the measurements; a goal not met carries its measured cause. */
export function computeGoals(r) {
  const list = [];
  const add = (goal, met, measured, cause) => list.push({ goal, met, measured, ...(met ? {} : { cause }) });
  for (const p of r.probes ?? []) {
    add(`N=${p.n}: within 1.25 x the floor + 0.3 s`, p.agent.wallMs <= p.goalMs && p.endpointsOk === p.n, `${ms(p.agent.wallMs)} vs ${ms(p.goalMs)} (floor ${ms(p.floor.wallMs)}), ${p.endpointsOk}/${p.n} ok`, CAUSES.perProbeCpu);
  }
  if (r.cpuPerEndpointMs !== undefined) add('CPU per endpoint <= 10 ms', r.cpuPerEndpointMs <= 10, `${r.cpuPerEndpointMs} ms (floor ${r.floorCpuPerEndpointMs} ms)`);
  const p128 = r.probes?.find((p) => p.n === 128);
  if (p128) add('peak RSS <= 120 MB at 128 endpoints', p128.agent.rssMiB * 1.048576 <= 120, `${round(p128.agent.rssMiB * 1.048576)} MB`);
  const p8 = r.probes?.find((p) => p.n === 8);
  if (p8?.xargsP8Curl) add('faster than xargs -P8 curl at 8', p8.agent.wallMs < p8.xargsP8Curl.wallMs, `${ms(p8.agent.wallMs)} vs ${ms(p8.xargsP8Curl.wallMs)}`, CAUSES.fixedCost);
  if (p128?.sequentialCurl) add('>= 10 x faster than sequential curl at 128', p128.speedupOverSequential >= 10, `${p128.speedupOverSequential} x`);
  for (const d of Array.isArray(r.dns) ? r.dns : []) add(`slow resolver (${d.case}): every name resolved`, d.resolved === d.probed && d.dnsFailed === 0, `${d.resolved}/${d.probed}`);
  for (const d of r.deadline ?? []) {
    add(`all silent, ${d.runtime}: within --deadline + 10 %`, d.wallMs <= d.limitMs, ms(d.wallMs));
    add(`all silent, ${d.runtime}: every endpoint's partial evidence kept`, d.withEvidence === d.planned, `${d.withEvidence}/${d.planned}`);
  }
  // The directory's read: its run less the same run over the plain bundle (start-up, checks, output).
  const dir = r.trust?.find((t) => t.files >= 20_000);
  const plain = r.trust?.find((t) => t.store === 'bundle');
  if (dir && plain) add('20,000-file directory: read in <= 1 s, the right verdict', dir.wallMs - plain.wallMs <= 1000 && dir.verdictMatches, `${ms(dir.wallMs - plain.wallMs)} more than the bundle's run (${ms(dir.wallMs)} in all), verdict ${dir.verdictMatches ? 'right' : 'wrong'}`, CAUSES.directory);
  return list;
}

const BEGIN = '<!-- bench:begin (generated from bench/results.json by scripts/bench/readme-table.mjs) -->';
const END = '<!-- bench:end -->';

/** Rewrites the README's section between the markers from bench/results.json. */
export function updateReadme() {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const results = JSON.parse(readFileSync(path.join(repo, 'bench', 'results.json'), 'utf8'));
  const readmePath = path.join(repo, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} ... ${END} markers`);
  writeFileSync(readmePath, `${readme.slice(0, start + BEGIN.length)}\n${renderTable(results)}\n${readme.slice(end)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) updateReadme();
