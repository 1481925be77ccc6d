// Gathers the Linux trust-store fact: the distro bundle(s) and hashed directory (or the
// --trust-store paths that replace them), distrust lists, the CA package, and OpenSSL env overrides.
import path from 'node:path';
import type { DistrustEntry, LinuxTrustStore, StoreCertificate, TrustSource, CertLocation } from '../trust-store';
import type { ParsedCertificate, TlsTrust } from './cert-file';
import type { DistroFamily } from './distro-family';
import { GuestFs } from '../guest-fs';
import { CertSourceReader, HASH_LINK_NAME, joinShown } from './cert-source-reader';
import { TRUST_STORE_LOCATIONS } from './trust-store-locations';
import { readBlocklistDirectories, readDebianDeselections } from './distrust-lists';
import { readCaPackage } from './ca-package';

export interface LinuxTrustStoreOptions {
  root: string;
  family: DistroFamily;
  /** --trust-store paths (on the machine running asr-ready, not under --root); replace the distro store. */
  overridePaths: readonly string[];
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

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

  const opensslEnv: LinuxTrustStore['opensslEnv'] = {};
  if (env.SSL_CERT_FILE) opensslEnv.SSL_CERT_FILE = env.SSL_CERT_FILE;
  if (env.SSL_CERT_DIR) opensslEnv.SSL_CERT_DIR = env.SSL_CERT_DIR;

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

async function readBundle(
  reader: CertSourceReader,
  file: string,
  shown: string,
  origin: TrustSource['origin'],
  add: AddCertificate,
): Promise<TrustSource> {
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

async function readDirectory(
  reader: CertSourceReader,
  dir: string,
  shown: string,
  origin: TrustSource['origin'],
  add: AddCertificate,
): Promise<TrustSource> {
  const listing = await reader.listDirectory(dir);
  if (!listing) return { path: shown, kind: 'directory', origin, exists: false, certificates: 0, hashLinks: 0, modifiedAt: null, problems: [] };
  const problems: string[] = [];
  if (listing.problem) problems.push(`${shown}: ${listing.problem}`);
  if (listing.truncated) problems.push(`${shown}: more than ${listing.names.length} entries; only the first ${listing.names.length} were read`);
  const seen = new Set<string>();
  let hashLinks = 0;
  for (const name of listing.names) {
    const hash = HASH_LINK_NAME.exec(name);
    if (!hash && !CERT_FILE_NAME.test(name)) continue;
    const entryShown = joinShown(shown, name);
    const entry = path.posix.join(dir, name);
    const read = await reader.readFile(entry, entryShown);
    if (!read.ok) {
      if (!(await reader.isDirectory(entry))) problems.push(read.problem);
      continue;
    }
    if (hash && read.parse.certificates.length > 0) hashLinks++;
    problems.push(...read.parse.problems.map((p) => `${entryShown}: ${p}`));
    for (const cert of read.parse.certificates) {
      seen.add(cert.sha256);
      add(cert, hash ? { path: entryShown, via: 'hash-link', hashName: hash[1] } : { path: entryShown, via: 'directory-file' });
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
  return [...problems.slice(0, MAX_PROBLEMS_PER_SOURCE), `${shown}: ${(problems.length - MAX_PROBLEMS_PER_SOURCE).toLocaleString('en-US')} more problems not listed`];
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
