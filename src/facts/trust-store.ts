// The trust-store fact: what the guest's own TLS clients trust. Linux and Windows differ in what
// can be known, so each has its own shape; checks switch on `platform`.
import type { DistroFamily } from './linux/distro-family';
import type { ParsedCertificate } from './linux/cert-file';

export interface TrustSource {
  /** The guest path (as the admin would type it, not prefixed by --root). */
  path: string;
  kind: 'bundle' | 'directory';
  origin: 'distro' | 'override';
  exists: boolean;
  certificates: number;
  /** Directories only: how many <hash>.N names OpenSSL can look certificates up by. */
  hashLinks?: number;
  modifiedAt: string | null;
  problems: string[];
}

export interface CertLocation {
  path: string;
  /** How OpenSSL would reach it: in a bundle, by a <hash>.N name, or only as a plain file (unreachable). */
  via: 'bundle' | 'hash-link' | 'directory-file';
  hashName?: string;
}

/** A certificate of the store: what its file said of it, and every place it was found. */
export interface StoreCertificate extends Omit<ParsedCertificate, 'format'> {
  locations: CertLocation[];
}

export interface DistrustEntry {
  /** Null when the list names a file we could not read (matched by name instead). */
  sha256: string | null;
  name: string;
  listedIn: string;
}

export interface CaPackage {
  name: string;
  version: string;
  /** yyyy-mm-dd, from the version (ca-certificates versions are dates) or the build time. */
  date: string | null;
  source: string;
}

export interface LinuxTrustStore {
  platform: 'linux';
  family: DistroFamily;
  origin: 'detected' | 'override';
  sources: TrustSource[];
  certificates: Map<string, StoreCertificate>;
  distrusted: DistrustEntry[];
  caPackage: CaPackage | null;
  /** Package databases cut at their cap or not readable, named: the CA package version may not have been judged. */
  caPackageNotes?: string[];
  /** OpenSSL environment overrides seen by this process; they change what OpenSSL-based clients trust. */
  opensslEnv: { SSL_CERT_FILE?: string; SSL_CERT_DIR?: string };
  anchorDirectory: string;
  refreshCommand: string;
}

export interface WindowsStoreEntry {
  sha1: string;
  subject: string | null;
  notAfter: string | null;
}

export interface WindowsStoreRead {
  read: boolean;
  entries: WindowsStoreEntry[];
  problem: string | null;
  /** The commands the store was read with (one per physical store), for the evidence. */
  sources?: string[];
}

export interface WindowsTrustStore {
  platform: 'windows';
  stores: { Root: WindowsStoreRead; AuthRoot: WindowsStoreRead; Disallowed: WindowsStoreRead };
  /** HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot DisableRootAutoUpdate; null = not set. */
  disableRootAutoUpdate: boolean | null;
  policyProblem: string | null;
}

export type TrustStoreFacts = LinuxTrustStore | WindowsTrustStore;
