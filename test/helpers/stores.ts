// In-memory trust-store facts for check tests: no I/O, built from real certificate text.
import type { LinuxTrustStore, StoreCertificate, CertLocation, WindowsTrustStore, WindowsStoreEntry } from '../../src/facts/trust-store';
import { parseCertificateFile } from '../../src/facts/linux/cert-file';
import type { DistroFamily } from '../../src/facts/linux/distro-family';
import { TRUST_STORE_LOCATIONS } from '../../src/facts/linux/trust-store-locations';
import { AZURE_ROOTS } from '../../src/catalog/azure-roots';

export interface LinuxStoreSpec {
  family?: DistroFamily;
  bundle?: string;
  /** Extra certificates reached through the hashed directory: [file name, PEM]. */
  directory?: Array<[string, string]>;
  distrusted?: LinuxTrustStore['distrusted'];
  caPackageDate?: string;
}

export function linuxStore(spec: LinuxStoreSpec): LinuxTrustStore {
  const family = spec.family ?? 'debian';
  const locations = TRUST_STORE_LOCATIONS[family];
  const certificates = new Map<string, StoreCertificate>();
  const add = (pem: string, location: CertLocation) => {
    for (const cert of parseCertificateFile(Buffer.from(pem)).certificates) {
      const existing = certificates.get(cert.sha256);
      if (existing) existing.locations.push(location);
      else certificates.set(cert.sha256, { ...cert, locations: [location] });
    }
  };
  const bundlePath = locations.bundles[0]!;
  const dirPath = locations.directories[0]!;
  if (spec.bundle !== undefined) add(spec.bundle, { path: bundlePath, via: 'bundle' });
  for (const [name, pem] of spec.directory ?? []) {
    const hash = /^([0-9a-f]{8})\.\d+$/.exec(name);
    add(pem, hash ? { path: `${dirPath}/${name}`, via: 'hash-link', hashName: hash[1]! } : { path: `${dirPath}/${name}`, via: 'directory-file' });
  }
  const bundleCount = spec.bundle === undefined ? 0 : parseCertificateFile(Buffer.from(spec.bundle)).certificates.length;
  return {
    platform: 'linux',
    family,
    origin: 'detected',
    sources: [
      {
        path: bundlePath,
        kind: 'bundle',
        origin: 'distro',
        exists: spec.bundle !== undefined,
        certificates: bundleCount,
        modifiedAt: '2026-01-01T00:00:00.000Z',
        problems: [],
      },
      {
        path: dirPath,
        kind: 'directory',
        origin: 'distro',
        exists: Boolean(spec.directory),
        certificates: spec.directory?.length ?? 0,
        modifiedAt: null,
        problems: [],
      },
    ],
    certificates,
    distrusted: spec.distrusted ?? [],
    caPackage: spec.caPackageDate ? { name: 'ca-certificates', version: spec.caPackageDate.replace(/-/g, ''), date: spec.caPackageDate, source: 'test' } : null,
    opensslEnv: {},
    anchorDirectory: locations.anchorDirectory,
    refreshCommand: locations.refreshCommand,
  };
}

const sha1Of = (id: string) => AZURE_ROOTS.roots.find((r) => r.id === id)!.sha1;
const entry = (id: string): WindowsStoreEntry => ({ sha1: sha1Of(id), subject: null, notAfter: null });

export function windowsStore(spec: {
  root?: string[];
  authRoot?: string[];
  disallowed?: string[];
  disableRootAutoUpdate?: boolean | null;
  rootUnreadable?: boolean;
}): WindowsTrustStore {
  const read = (ids: string[] = []) => ({ read: true, entries: ids.map(entry), problem: null });
  return {
    platform: 'windows',
    stores: {
      Root: spec.rootUnreadable ? { read: false, entries: [], problem: 'certutil -store Root failed: spawn certutil ENOENT' } : read(spec.root),
      AuthRoot: read(spec.authRoot),
      Disallowed: read(spec.disallowed),
    },
    disableRootAutoUpdate: spec.disableRootAutoUpdate ?? null,
    policyProblem: null,
  };
}

export const CURRENT_ROOT_IDS = AZURE_ROOTS.roots.filter((r) => r.status === 'required' || r.status === 'secondary').map((r) => r.id);
