// Decides, per catalog root, what the guest's store says about it. Pure: facts in, assessments out.
import type { CatalogRoot } from '../../catalog/azure-roots';
import type { LinuxTrustStore, WindowsTrustStore } from '../../facts/trust-store';

export type RootState =
  /** The guest's TLS clients will anchor to it. */
  | 'trusted'
  /** Not in the store at all. */
  | 'missing'
  /** Present, but past its notAfter. */
  | 'expired'
  /** Listed in a distrust list, the Disallowed store, or marked rejected for TLS. */
  | 'distrusted'
  /** Linux: only a plain file in the certificate directory, with no <hash>.N name OpenSSL can look up. */
  | 'unreachable'
  /** Windows: absent, but automatic root update will install it on first use. */
  | 'installs-on-demand';

export interface RootAssessment {
  id: string;
  name: string;
  catalogStatus: CatalogRoot['status'];
  sha256: string;
  state: RootState;
  notAfter: string;
  /** Days until notAfter from now (negative when expired). */
  expiresInDays: number;
  foundIn: string[];
  detail: string | null;
}

const DAY_MS = 86_400_000;

export function assessLinuxRoot(root: CatalogRoot, store: LinuxTrustStore, now: Date): RootAssessment {
  const cert = store.certificates.get(root.sha256);
  const notAfter = cert?.notAfter ?? root.notAfter;
  const base = {
    id: root.id,
    name: root.name,
    catalogStatus: root.status,
    sha256: root.sha256,
    notAfter,
    expiresInDays: Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS),
    foundIn: cert ? [...new Set(cert.locations.map((l) => l.path))] : [],
  };
  const blocked = store.distrusted.find(
    (d) => d.sha256 === root.sha256 || (d.sha256 === null && root.debianFile && baseName(d.name) === baseName(root.debianFile)),
  );
  if (blocked) return { ...base, state: 'distrusted', detail: `distrusted by ${blocked.listedIn}` };
  if (!cert) return { ...base, state: 'missing', detail: null };
  if (cert.tlsTrust === 'rejected') return { ...base, state: 'distrusted', detail: 'its TRUSTED CERTIFICATE entry rejects TLS server authentication' };
  if (cert.tlsTrust === 'not-for-tls')
    return { ...base, state: 'distrusted', detail: 'its TRUSTED CERTIFICATE entry does not trust it for TLS server authentication' };
  const reachable = cert.locations.some((l) => l.via === 'bundle' || (l.via === 'hash-link' && l.hashName === root.subjectHash));
  if (!reachable) {
    const oldHash = cert.locations.some((l) => l.hashName === root.subjectHashOld);
    return {
      ...base,
      state: 'unreachable',
      detail: oldHash
        ? `only linked under its old-style hash ${root.subjectHashOld}; OpenSSL 1.0 and later look it up as ${root.subjectHash}.0`
        : `present as a file but not linked as ${root.subjectHash}.0, the name OpenSSL looks it up by`,
    };
  }
  if (Date.parse(notAfter) <= now.getTime()) return { ...base, state: 'expired', detail: `expired ${notAfter.slice(0, 10)}` };
  return { ...base, state: 'trusted', detail: null };
}

export function assessWindowsRoot(root: CatalogRoot, store: WindowsTrustStore, now: Date): RootAssessment {
  const where = (['Root', 'AuthRoot'] as const).filter((name) => store.stores[name].entries.some((e) => e.sha1 === root.sha1));
  const base = {
    id: root.id,
    name: root.name,
    catalogStatus: root.status,
    sha256: root.sha256,
    notAfter: root.notAfter,
    expiresInDays: Math.floor((Date.parse(root.notAfter) - now.getTime()) / DAY_MS),
    foundIn: where.map((name) => `LocalMachine\\${name}`),
  };
  if (store.stores.Disallowed.entries.some((e) => e.sha1 === root.sha1)) {
    return { ...base, state: 'distrusted', detail: 'listed in LocalMachine\\Disallowed (Untrusted Certificates)' };
  }
  if (where.length === 0) {
    return store.disableRootAutoUpdate === true
      ? { ...base, state: 'missing', detail: 'automatic root update is turned off by policy (DisableRootAutoUpdate=1), so Windows will not fetch it' }
      : {
          ...base,
          state: 'installs-on-demand',
          detail: 'not installed yet; Windows installs it from Windows Update (ctldl.windowsupdate.com, HTTP 80) the first time a chain needs it',
        };
  }
  if (Date.parse(root.notAfter) <= now.getTime()) return { ...base, state: 'expired', detail: `expired ${root.notAfter.slice(0, 10)}` };
  return { ...base, state: 'trusted', detail: null };
}

function baseName(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.(crt|pem)$/i, '');
}
