// The C runtime bundled in the Linux downloads: the pinned Debian packages of
// scripts/linux-runtime-libs.json, fetched with `apt-get download PACKAGE=VERSION` into a private apt
// state under .cache/ (the machine's apt configuration and package lists are not touched, and no
// root is needed), checked against their SHA-256, and laid out as lib/ and licenses/ for one
// architecture.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PINS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'linux-runtime-libs.json');
export const RUNTIME_PINS = JSON.parse(readFileSync(PINS_FILE, 'utf8'));

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const debFile = (name, version, debianArch) => `${name}_${version.replace(/:/g, '%3a')}_${debianArch}.deb`;

/** apt-get options that keep lists and downloads in `state` and make `debianArch` the only architecture. */
function aptOptions(state, debianArch) {
  return [
    '-q',
    '-o',
    `Dir::State::Lists=${state}/lists`,
    '-o',
    `Dir::Cache=${state}`,
    '-o',
    `Dir::Cache::archives=${state}/archives`,
    '-o',
    `APT::Architecture=${debianArch}`,
    '-o',
    `APT::Architectures::=${debianArch}`,
  ];
}

/**
 * Fetches (or takes from the cache) the pinned packages of one architecture. With
 * ASR_READY_UNPINNED_LIBS=1 a pinned version that the archive no longer serves is replaced by the
 * current one, loudly: Debian keeps only the newest update of a release, so CI must not break the
 * day a glibc security update lands; the versions taken are recorded in the download's RUNTIME.json.
 */
function fetchPackages(arch, cacheDir, log) {
  const { debianArch, packages } = RUNTIME_PINS.architectures[arch];
  const debs = path.join(cacheDir, 'debs');
  const state = path.join(cacheDir, `apt-${debianArch}`);
  mkdirSync(debs, { recursive: true });
  let listsFetched = false;
  const apt = (args) => execFileSync('apt-get', [...aptOptions(state, debianArch), ...args], { cwd: debs, stdio: ['ignore', 'pipe', 'pipe'] });
  const taken = {};
  for (const [name, pin] of Object.entries(packages)) {
    const pinned = path.join(debs, debFile(name, pin.version, debianArch));
    if (existsSync(pinned) && sha256(pinned) === pin.sha256) {
      taken[name] = { version: pin.version, sha256: pin.sha256 };
      continue;
    }
    if (!listsFetched) {
      log(`fetching the ${debianArch} package lists (private apt state in ${path.relative(process.cwd(), state)})`);
      mkdirSync(path.join(state, 'lists', 'partial'), { recursive: true });
      mkdirSync(path.join(state, 'archives', 'partial'), { recursive: true });
      apt(['update']);
      listsFetched = true;
    }
    try {
      apt(['download', `${name}=${pin.version}`]);
    } catch (error) {
      if (process.env.ASR_READY_UNPINNED_LIBS !== '1') {
        throw new Error(
          `${name}=${pin.version} (${debianArch}) cannot be downloaded: ${String(error.stderr ?? error).trim()}\n` +
            `Debian serves only the newest update of a package. Pin the new version in scripts/linux-runtime-libs.json ` +
            `(version and sha256), or build with ASR_READY_UNPINNED_LIBS=1 to take the current one.`,
          { cause: error },
        );
      }
      // The file this download wrote, not the highest name in the cache: "u9" sorts after "u15" as text.
      const before = new Set(readdirSync(debs));
      apt(['download', name]);
      const candidates = readdirSync(debs).filter((f) => f.startsWith(`${name}_`) && f.endsWith(`_${debianArch}.deb`));
      const file =
        candidates.find((f) => !before.has(f)) ??
        candidates.find((f) =>
          f.includes(
            `_${String(execFileSync('apt-cache', [...aptOptions(state, debianArch), 'policy', name], { encoding: 'utf8' }).match(/Candidate: (\S+)/)?.[1]).replace(/:/g, '%3a')}_`,
          ),
        );
      const version = file.split('_')[1].replace(/%3a/g, ':');
      const sum = sha256(path.join(debs, file));
      log(`WARNING: ${name} ${pin.version} is gone from the archive; took ${version} (sha256 ${sum}). Pin it in scripts/linux-runtime-libs.json.`);
      taken[name] = { version, sha256: sum, unpinned: true };
      continue;
    }
    const sum = sha256(pinned);
    if (sum !== pin.sha256) throw new Error(`${path.basename(pinned)} has SHA-256 ${sum}, but scripts/linux-runtime-libs.json pins ${pin.sha256}`);
    taken[name] = { version: pin.version, sha256: sum };
  }
  return taken;
}

/**
 * Lays out lib/ (the dynamic loader and the libraries Node needs) and licenses/ (glibc's and GCC's
 * copyright files) for `arch` under `outDir`. Returns the loader's name and the packages taken.
 */
export function stageLinuxRuntime(arch, { cacheDir, outDir, log }) {
  const { triplet, loader } = RUNTIME_PINS.architectures[arch];
  const { debianArch } = RUNTIME_PINS.architectures[arch];
  const packages = fetchPackages(arch, cacheDir, log);
  const tree = path.join(cacheDir, `tree-${debianArch}`);
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  for (const [name, { version }] of Object.entries(packages)) {
    execFileSync('dpkg-deb', ['-x', path.join(cacheDir, 'debs', debFile(name, version, debianArch)), tree]);
  }
  const libDir = path.join(outDir, 'lib');
  const licenseDir = path.join(outDir, 'licenses');
  mkdirSync(libDir, { recursive: true });
  mkdirSync(licenseDir, { recursive: true });
  const find = (name) => {
    const found = [`lib/${triplet}`, `usr/lib/${triplet}`].map((d) => path.join(tree, d, name)).find((p) => existsSync(p));
    if (!found) throw new Error(`${name} is in none of the ${debianArch} packages of scripts/linux-runtime-libs.json`);
    return found;
  };
  for (const name of [loader, ...RUNTIME_PINS.libraries]) copyFileSync(find(name), path.join(libDir, name)); // follows the .so links
  for (const [name, file] of Object.entries(RUNTIME_PINS.notices)) copyFileSync(path.join(tree, file), path.join(licenseDir, `${name}.copyright`));
  rmSync(tree, { recursive: true, force: true });
  return { loader, packages };
}
