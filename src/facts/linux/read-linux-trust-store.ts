// Gathers the Linux trust-store fact: the distro bundle(s) and hashed directory (or the
// --trust-store paths that replace them), distrust lists, the CA package, and OpenSSL env overrides.
import path from 'node:path';
import type { DistrustEntry, LinuxTrustStore, StoreCertificate, TrustSource, CertLocation } from '../trust-store';
import type { ParsedCertificate, TlsTrust } from './cert-file';
import type { DistroFamily } from './distro-family';
import { GuestFs } from '../guest-fs';
import { CertSourceReader, HASH_LINK_NAME, MAX_DIRECTORY_ENTRIES, MAX_DIRECTORY_SCAN, READ_CONCURRENCY, joinShown } from './cert-source-reader';
import { mapBounded } from '../../core/bounded-map';
import { TRUST_STORE_LOCATIONS } from './trust-store-locations';
import { readBlocklistDirectories, readDebianDeselections } from './distrust-lists';
import { readCaPackage } from './ca-package';
import { isLiveRoot } from '../live-root';

export interface LinuxTrustStoreOptions {
  root: string;
  family: DistroFamily;
  /** --trust-store paths (on the machine running asr-ready, not under --root); replace the distro store. */
  overridePaths: readonly string[];
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Directory entries read and merged per step (READ_CONCURRENCY of them in flight). */
const MERGE_BATCH = 512;

/** File names in a certificate directory worth parsing besides hash links. */
const CERT_FILE_NAME = /\.(pem|crt|cer|der)$/i;

export async function readLinuxTrustStore(options: LinuxTrustStoreOptions): Promise<LinuxTrustStore> {
  const { root, family, overridePaths, env, signal } = options;
  const locations = TRUST_STORE_LOCATIONS[family];
  // --trust-store paths are this machine's; the distro's are the guest's, resolved inside --root.
  const reader = new CertSourceReader(overridePaths.length > 0 ? GuestFs.live() : new GuestFs(root), signal);
  const certificates = new Map<string, StoreCertificate>();
  const add = (cert: ParsedCertificate, location: CertLocation) => mergeCertificate(certificates, cert, location);

  const sources: TrustSource[] = [];
  if (overridePaths.length > 0) {
    for (const p of overridePaths) {
      const isDir = await reader.isDirectory(p);
      sources.push(isDir ? await readDirectory(reader, p, p, 'override', add) : await readBundle(reader, p, p, 'override', add));
    }
  } else {
    for (const bundle of locations.bundles) sources.push(await readBundle(reader, bundle, bundle, 'distro', add));
    for (const dir of locations.directories) sources.push(await readDirectory(reader, dir, dir, 'distro', add));
  }

  const distrusted: DistrustEntry[] = [];
  if (overridePaths.length === 0) {
    const lists = [
      await readBlocklistDirectories(locations.blocklistDirectories, reader),
      family === 'debian' || family === 'unknown' ? await readDebianDeselections(reader) : { entries: [], problems: [] },
    ];
    for (const list of lists) distrusted.push(...list.entries);
  }

  // This process's environment is the guest's only when the guest is the running system, not under --root.
  const opensslEnv: LinuxTrustStore['opensslEnv'] = {};
  const live = isLiveRoot(root);
  if (live && env.SSL_CERT_FILE) opensslEnv.SSL_CERT_FILE = env.SSL_CERT_FILE;
  if (live && env.SSL_CERT_DIR) opensslEnv.SSL_CERT_DIR = env.SSL_CERT_DIR;

  const caPackageNotes: string[] = [];
  const caPackage = await readCaPackage(root, family, signal, caPackageNotes);
  return {
    platform: 'linux',
    family,
    origin: overridePaths.length > 0 ? 'override' : 'detected',
    sources,
    certificates,
    distrusted,
    caPackage,
    ...(caPackageNotes.length ? { caPackageNotes } : {}),
    opensslEnv,
    anchorDirectory: locations.anchorDirectory,
    refreshCommand: locations.refreshCommand,
  };
}

type AddCertificate = (cert: ParsedCertificate, location: CertLocation) => void;

async function readBundle(reader: CertSourceReader, file: string, shown: string, origin: TrustSource['origin'], add: AddCertificate): Promise<TrustSource> {
  const read = await reader.readFile(file, shown);
  if (!read.ok) {
    return { path: shown, kind: 'bundle', origin, exists: !read.notFound, certificates: 0, modifiedAt: null, problems: read.notFound ? [] : [read.problem] };
  }
  for (const cert of read.parse.certificates) add(cert, { path: shown, via: 'bundle' });
  return {
    path: shown,
    kind: 'bundle',
    origin,
    exists: true,
    certificates: read.parse.certificates.length,
    modifiedAt: read.modifiedAt,
    problems: read.parse.problems.map((p) => `${shown}: ${p}`),
  };
}

async function readDirectory(reader: CertSourceReader, dir: string, shown: string, origin: TrustSource['origin'], add: AddCertificate): Promise<TrustSource> {
  // Hash links first: when a directory holds more entries than the cap, what OpenSSL looks up is kept.
  const listing = await reader.listDirectory(dir, (name) => (HASH_LINK_NAME.test(name) ? 'first' : CERT_FILE_NAME.test(name) ? 'keep' : 'skip'));
  if (!listing) return { path: shown, kind: 'directory', origin, exists: false, certificates: 0, hashLinks: 0, modifiedAt: null, problems: [] };
  const problems: string[] = [];
  if (listing.problem) problems.push(`${shown}: ${listing.problem}`);
  if (listing.truncated) {
    problems.push(
      listing.scanStopped
        ? `${shown}: more than ${MAX_DIRECTORY_SCAN.toLocaleString('en-US')} entries; the listing stopped there, and ${listing.names.length.toLocaleString('en-US')} certificate files were read (hash links first)`
        : `${shown}: more than ${MAX_DIRECTORY_ENTRIES.toLocaleString('en-US')} certificate files; ${listing.names.length.toLocaleString('en-US')} were read, every hash link among them first`,
    );
  }
  const seen = new Set<string>();
  let hashLinks = 0;
  // Read in parallel (bounded), merged in name order so the evidence does not depend on timing; a
  // batch at a time, so what is held is a batch's reads, not one per file of the directory.
  for (let start = 0; start < listing.names.length; start += MERGE_BATCH) {
    const batch = listing.names.slice(start, start + MERGE_BATCH);
    const reads = await mapBounded(batch, READ_CONCURRENCY, (name) =>
      listing.regular?.has(name)
        ? reader.readEntry(listing, name, joinShown(shown, name))
        : reader.readFile(path.posix.join(dir, name), joinShown(shown, name)),
    );
    for (const [i, name] of batch.entries()) {
      const read = reads[i]!;
      const hash = HASH_LINK_NAME.exec(name);
      const entryShown = joinShown(shown, name);
      if (!read.ok) {
        if (!(await reader.isDirectory(path.posix.join(dir, name)))) problems.push(read.problem);
        continue;
      }
      if (hash && read.parse.certificates.length > 0) hashLinks++;
      problems.push(...read.parse.problems.map((p) => `${entryShown}: ${p}`));
      for (const cert of read.parse.certificates) {
        seen.add(cert.sha256);
        add(cert, hash ? { path: entryShown, via: 'hash-link', hashName: hash[1] } : { path: entryShown, via: 'directory-file' });
      }
    }
  }
  const modifiedAt = await reader.fs.modifiedAt(dir);
  return {
    path: shown,
    kind: 'directory',
    origin,
    exists: true,
    certificates: seen.size,
    hashLinks,
    modifiedAt: modifiedAt ? modifiedAt.toISOString() : null,
    problems: capProblems(problems, shown),
  };
}

/** At most this many problems are listed per directory: a directory of 5,000 junk files is one line of evidence, not 5,000. */
const MAX_PROBLEMS_PER_SOURCE = 20;

function capProblems(problems: string[], shown: string): string[] {
  if (problems.length <= MAX_PROBLEMS_PER_SOURCE) return problems;
  return [
    ...problems.slice(0, MAX_PROBLEMS_PER_SOURCE),
    `${shown}: ${(problems.length - MAX_PROBLEMS_PER_SOURCE).toLocaleString('en-US')} more problems not listed`,
  ];
}

const TRUST_RANK: Record<TlsTrust, number> = { unspecified: 0, trusted: 1, 'not-for-tls': 2, rejected: 3 };

function mergeCertificate(map: Map<string, StoreCertificate>, cert: ParsedCertificate, location: CertLocation): void {
  const existing = map.get(cert.sha256);
  if (!existing) {
    const { format: _format, ...rest } = cert;
    map.set(cert.sha256, { ...rest, locations: [location] });
    return;
  }
  existing.locations.push(location);
  // The same root listed twice with different trust: keep the most restrictive, as a cautious reader must.
  if (TRUST_RANK[cert.tlsTrust] > TRUST_RANK[existing.tlsTrust]) existing.tlsTrust = cert.tlsTrust;
}
