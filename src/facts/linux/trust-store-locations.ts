// Where each distro family keeps its system trust store (reference §4.3). The Mobility service's
// curl/OpenSSL reads the distro bundle and hashed directory, so these are what we judge.
import type { DistroFamily } from './distro-family';

export interface TrustStoreLocations {
  bundles: string[];
  directories: string[];
  /** Files listing distrusted certificates (PEM or DER), per family. */
  blocklistDirectories: string[];
  /** Where an admin adds a root, and the command that rebuilds the store. */
  anchorDirectory: string;
  refreshCommand: string;
}

export const TRUST_STORE_LOCATIONS: Record<DistroFamily, TrustStoreLocations> = {
  debian: {
    bundles: ['/etc/ssl/certs/ca-certificates.crt'],
    directories: ['/etc/ssl/certs'],
    blocklistDirectories: [],
    anchorDirectory: '/usr/local/share/ca-certificates',
    refreshCommand: 'update-ca-certificates',
  },
  rhel: {
    bundles: ['/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', '/etc/pki/tls/certs/ca-bundle.crt'],
    directories: ['/etc/pki/tls/certs'],
    blocklistDirectories: [
      '/etc/pki/ca-trust/source/blocklist',
      '/etc/pki/ca-trust/source/blacklist',
      '/usr/share/pki/ca-trust-source/blocklist',
      '/usr/share/pki/ca-trust-source/blacklist',
    ],
    anchorDirectory: '/etc/pki/ca-trust/source/anchors',
    refreshCommand: 'update-ca-trust extract',
  },
  suse: {
    bundles: ['/etc/ssl/ca-bundle.pem'],
    directories: ['/etc/ssl/certs'],
    blocklistDirectories: ['/etc/pki/trust/blocklist', '/etc/pki/trust/blacklist'],
    anchorDirectory: '/etc/pki/trust/anchors',
    refreshCommand: 'update-ca-certificates',
  },
  alpine: {
    bundles: ['/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/cert.pem'],
    directories: ['/etc/ssl/certs'],
    blocklistDirectories: [],
    anchorDirectory: '/usr/local/share/ca-certificates',
    refreshCommand: 'update-ca-certificates',
  },
  // Go's crypto/x509 search order, for guests we do not recognise.
  unknown: {
    bundles: [
      '/etc/ssl/certs/ca-certificates.crt',
      '/etc/pki/tls/certs/ca-bundle.crt',
      '/etc/ssl/ca-bundle.pem',
      '/etc/pki/tls/cacert.pem',
      '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
      '/etc/ssl/cert.pem',
    ],
    directories: ['/etc/ssl/certs', '/etc/pki/tls/certs'],
    blocklistDirectories: [],
    anchorDirectory: '/usr/local/share/ca-certificates',
    refreshCommand: 'update-ca-certificates',
  },
};
