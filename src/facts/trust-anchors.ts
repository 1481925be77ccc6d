// The roots TLS is verified with: the guest's OS store, never Node's bundle where the OS store can
// be read. Linux: what the store judged as reachable and trusted for TLS. Windows: the OS store
// through the runtime's tls.getCACertificates('system') (Node 22.15+, the single binary's runtime).
import tls from 'node:tls';
import type { TrustStoreFacts } from './trust-store';
import type { GuestTrust } from '../net/guest-client';

/** The guest client's trust (ca, source), and what the report should say about it. */
export interface TrustAnchors extends GuestTrust {
  note: string | null;
}

export function trustAnchorsFor(store: TrustStoreFacts | null): TrustAnchors {
  if (store?.platform === 'linux') {
    const distrusted = new Set(store.distrusted.map((d) => d.sha256).filter(Boolean));
    const ca = [...store.certificates.values()]
      .filter((c) => (c.tlsTrust === 'unspecified' || c.tlsTrust === 'trusted') && !distrusted.has(c.sha256))
      .filter((c) => c.locations.some((l) => l.via === 'bundle' || l.via === 'hash-link'))
      .map((c) => c.pem);
    return { ca, source: store.origin === 'override' ? 'supplied' : 'os', note: null };
  }
  const getSystem = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (store?.platform === 'windows' && typeof getSystem === 'function') {
    return { ca: getSystem('system'), source: 'os', note: null };
  }
  return {
    ca: null,
    source: 'node-bundled',
    note:
      store === null
        ? "The OS trust store could not be read, so TLS was verified with Node's bundled roots: a pass here does not prove the guest trusts the chain."
        : "This runtime cannot read the Windows certificate store, so TLS was verified with Node's bundled roots: a pass here does not prove the guest trusts the chain.",
  };
}
