// One Linux download: scripts/linux-launcher.sh, padded to a fixed size, followed by a gzip'd tar of
// the agent (the SEA binary), the bundled C runtime (lib/), the licence notices (licenses/),
// RUNTIME.json and MANIFEST.sha256. Reproducible: sorted tar entries with fixed owners, modes and
// times, and `gzip -n`, so two builds give the same bytes.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stageLinuxRuntime } from './linux-runtime.mjs';

const LAUNCHER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'linux-launcher.sh');
/** The launcher is padded to this many bytes, so the payload's offset is a constant of the header. */
export const LAUNCHER_BYTES = 16_384;

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function listFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/** Every NEEDED library of every ELF file in the stage must be in its lib/: the guest's are never used. */
function assertSelfContained(stage) {
  const bundled = new Set(readdirSync(path.join(stage, 'lib')));
  for (const file of listFiles(stage)) {
    const full = path.join(stage, file);
    if (
      !readFileSync(full)
        .subarray(0, 4)
        .equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))
    )
      continue;
    const dynamic = execFileSync('readelf', ['-d', full], { encoding: 'utf8' });
    for (const [, needed] of dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
      if (!bundled.has(needed)) throw new Error(`${file} needs ${needed}, which the download does not bundle`);
    }
  }
}

/**
 * Builds `output` for `arch` from the SEA binary. `nodeLicense` is the LICENSE of the Node.js
 * package the binary came from. Returns what it bundled, for the build log.
 */
export function buildLinuxDownload({ arch, seaBinary, nodeLicense, nodeVersion, agentVersion, output, cacheDir, log }) {
  const work = path.join(path.dirname(output), `.stage-${arch}`);
  const stage = path.join(work, 'payload');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const { loader, packages } = stageLinuxRuntime(arch, { cacheDir, outDir: stage, log });
  copyFileSync(seaBinary, path.join(stage, 'asr-ready'));
  copyFileSync(nodeLicense, path.join(stage, 'licenses', 'node.LICENSE'));
  writeFileSync(
    path.join(stage, 'RUNTIME.json'),
    `${JSON.stringify({ agent: agentVersion, node: nodeVersion, arch, loader, debianPackages: packages }, null, 2)}\n`,
  );
  assertSelfContained(stage);
  const files = listFiles(stage);
  writeFileSync(path.join(stage, 'MANIFEST.sha256'), files.map((f) => `${sha256(readFileSync(path.join(stage, f)))}  ${f}\n`).join(''));
  for (const f of [...files, 'MANIFEST.sha256']) chmodSync(path.join(stage, f), f === 'asr-ready' || f.startsWith('lib/') ? 0o755 : 0o644);

  const tar = path.join(work, 'payload.tar');
  // Top-level names, not '.': an entry for '.' would set the unpacking folder's own time to 1970.
  // --mode: directories too get fixed modes, so the builder's umask cannot change the bytes.
  execFileSync('tar', [
    '--sort=name',
    '--mtime=@0',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mode=u+rwX,go+rX,go-w',
    '--format=gnu',
    '-C',
    stage,
    '-cf',
    tar,
    ...readdirSync(stage).sort(),
  ]);
  const gz = path.join(work, 'payload.tar.gz');
  const [input, out] = [openSync(tar, 'r'), openSync(gz, 'w')];
  const gzip = spawnSync('gzip', ['-n', '-6', '-c'], { stdio: [input, out, 'inherit'] });
  closeSync(input);
  closeSync(out);
  if (gzip.status !== 0) throw new Error(`gzip of the ${arch} payload failed (${gzip.status ?? gzip.signal})`);
  const payload = readFileSync(gz);
  const unpackedMb = Math.ceil(files.reduce((sum, f) => sum + statSync(path.join(stage, f)).size, 0) / 1_000_000);

  const launcher = readFileSync(LAUNCHER, 'utf8')
    .replaceAll('@ARCH@', arch)
    .replaceAll('@VERSION@', agentVersion)
    .replaceAll('@KEY@', `${agentVersion}-${sha256(payload).slice(0, 16)}`)
    .replaceAll('@LOADER@', loader)
    .replaceAll('@OFFSET@', String(LAUNCHER_BYTES + 1))
    .replaceAll('@UNPACKED_MB@', String(unpackedMb));
  if (/@[A-Z_]+@/.test(launcher)) throw new Error(`linux-launcher.sh has a placeholder the build does not fill: ${launcher.match(/@[A-Z_]+@/)[0]}`);
  const padding = LAUNCHER_BYTES - Buffer.byteLength(launcher);
  if (padding < 2) throw new Error(`linux-launcher.sh is ${Buffer.byteLength(launcher)} bytes: raise LAUNCHER_BYTES`);
  // The launcher always exits before the padding; the padding is a comment line up to the payload.
  const header = `${launcher}${'#'.repeat(padding - 1)}\n`;
  writeFileSync(output, Buffer.concat([Buffer.from(header), payload]));
  chmodSync(output, 0o755);
  rmSync(work, { recursive: true, force: true });
  return { loader, packages, payloadBytes: payload.length, unpackedMb };
}
