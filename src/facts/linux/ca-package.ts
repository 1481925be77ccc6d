// Version and date of the installed CA package, so remediation can say "your roots are from 2019".
// dpkg and apk keep plain-text databases we can read under --root; rpm's is binary, so rpm is asked
// (only on the live system).
import type { CaPackage } from '../trust-store';
import type { DistroFamily } from './distro-family';
import { GuestFs } from '../guest-fs';
import { runCommand } from '../run-command';
import { isLiveRoot } from '../live-root';

/** The package databases are read up to this size (a Debian system's status is a few MiB). */
export const PACKAGE_DB_MAX_BYTES = 64 * 1024 * 1024;

/**
 * `notes` receives why a package database was cut at the cap or could not be read, naming it: the CA
 * package may then be missing from what was read, and the bundle date is judged from file times instead.
 */
export async function readCaPackage(
  root: string,
  family: DistroFamily,
  signal?: AbortSignal,
  notes: string[] = [],
  maxBytes = PACKAGE_DB_MAX_BYTES,
): Promise<CaPackage | null> {
  const fs = new GuestFs(root);
  const { text: dpkg, note: dpkgNote } = await fs.readText('/var/lib/dpkg/status', maxBytes, signal);
  if (dpkgNote) notes.push(dpkgNote);
  if (dpkg !== null) {
    const version = packageFieldFromStanzas(dpkg, 'ca-certificates', 'Version');
    if (version) return { name: 'ca-certificates', version, date: dateFromVersion(version), source: '/var/lib/dpkg/status' };
  }
  const { text: apk, note: apkNote } = await fs.readText('/lib/apk/db/installed', maxBytes, signal);
  if (apkNote) notes.push(apkNote);
  if (apk !== null) {
    const version = apkVersion(apk, 'ca-certificates-bundle') ?? apkVersion(apk, 'ca-certificates');
    if (version) return { name: 'ca-certificates', version, date: dateFromVersion(version), source: '/lib/apk/db/installed' };
  }
  if ((family === 'rhel' || family === 'suse' || family === 'unknown') && isLiveRoot(root)) {
    return rpmQuery(family === 'suse' ? 'ca-certificates-mozilla' : 'ca-certificates', signal);
  }
  return null;
}

/** Finds `field` in the dpkg status stanza whose Package is `name` and whose Status says installed. */
export function packageFieldFromStanzas(text: string, name: string, field: string): string | null {
  for (const stanza of text.split(/\n\s*\n/)) {
    if (!new RegExp(`^Package: ${name}$`, 'm').test(stanza)) continue;
    if (!/^Status: .* installed$/m.test(stanza)) continue;
    const match = new RegExp(`^${field}: (.+)$`, 'm').exec(stanza);
    if (match) return match[1]!.trim();
  }
  return null;
}

function apkVersion(text: string, name: string): string | null {
  for (const stanza of text.split(/\n\s*\n/)) {
    if (!new RegExp(`^P:${name}$`, 'm').test(stanza)) continue;
    const match = /^V:(.+)$/m.exec(stanza);
    if (match) return match[1]!.trim();
  }
  return null;
}

/** ca-certificates versions carry the Mozilla snapshot date: 20230311+deb12u1, 2023.2.60_v7.0.306. */
export function dateFromVersion(version: string): string | null {
  const compact = /(?:^|[^0-9])(20\d{2})(\d{2})(\d{2})(?:[^0-9]|$)/.exec(version);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  return null;
}

async function rpmQuery(name: string, signal?: AbortSignal): Promise<CaPackage | null> {
  try {
    const stdout = await runCommand('rpm', ['-q', '--qf', '%{VERSION}-%{RELEASE} %{BUILDTIME}\\n', name], { timeoutMs: 5000, signal });
    const [version, buildTime] = stdout.trim().split(/\s+/);
    if (!version || /not installed/.test(stdout)) return null;
    const epoch = Number(buildTime);
    const date = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000).toISOString().slice(0, 10) : dateFromVersion(version);
    return { name, version, date, source: 'rpm -q' };
  } catch {
    return null;
  }
}
