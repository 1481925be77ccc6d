// Which trust-store conventions a Linux guest follows, from os-release ID and ID_LIKE.
import type { OsRelease } from '../os-release';

export type DistroFamily = 'debian' | 'rhel' | 'suse' | 'alpine' | 'unknown';

const FAMILY_BY_ID: Record<string, DistroFamily> = {
  debian: 'debian',
  ubuntu: 'debian',
  rhel: 'rhel',
  centos: 'rhel',
  fedora: 'rhel',
  rocky: 'rhel',
  almalinux: 'rhel',
  ol: 'rhel',
  amzn: 'rhel',
  azurelinux: 'rhel',
  mariner: 'rhel',
  sles: 'suse',
  sles_sap: 'suse',
  suse: 'suse',
  opensuse: 'suse',
  'opensuse-leap': 'suse',
  alpine: 'alpine',
};

export function distroFamily(release: OsRelease): DistroFamily {
  const ids = [release.ID ?? '', ...(release.ID_LIKE ?? '').split(/\s+/)].map((s) => s.toLowerCase());
  for (const id of ids) {
    const family = FAMILY_BY_ID[id];
    if (family) return family;
  }
  return 'unknown';
}
