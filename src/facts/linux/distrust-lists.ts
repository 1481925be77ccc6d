// Certificates the admin has distrusted: RHEL/SUSE blocklist directories (PEM or DER files) and
// Debian's "!" entries in /etc/ca-certificates.conf (deselected files under /usr/share/ca-certificates).
import path from 'node:path';
import type { DistrustEntry } from '../trust-store';
import { CertSourceReader, joinShown } from './cert-source-reader';

export async function readBlocklistDirectories(
  directories: readonly string[],
  reader: CertSourceReader,
): Promise<{ entries: DistrustEntry[]; problems: string[] }> {
  const entries: DistrustEntry[] = [];
  const problems: string[] = [];
  for (const dir of directories) {
    const listing = await reader.listDirectory(dir);
    if (!listing) continue;
    for (const name of listing.names) {
      const shown = joinShown(dir, name);
      const read = await reader.readFile(shown, shown);
      if (!read.ok) {
        if (!(await reader.isDirectory(shown))) problems.push(read.problem);
        continue;
      }
      for (const cert of read.parse.certificates) entries.push({ sha256: cert.sha256, name: cert.subject, listedIn: shown });
    }
  }
  return { entries, problems };
}

export async function readDebianDeselections(reader: CertSourceReader): Promise<{ entries: DistrustEntry[]; problems: string[] }> {
  const conf = '/etc/ca-certificates.conf';
  const text = await reader.fs.readTextIfExists(conf);
  if (text === null) return { entries: [], problems: [] };
  const entries: DistrustEntry[] = [];
  const problems: string[] = [];
  for (const line of parseDeselectedLines(text)) {
    const file = path.posix.join('/usr/share/ca-certificates', line);
    const read = await reader.readFile(file, file);
    const certs = read.ok ? read.parse.certificates : [];
    if (certs.length === 0) {
      entries.push({ sha256: null, name: line, listedIn: `${conf} (!${line})` });
      continue;
    }
    for (const cert of certs) entries.push({ sha256: cert.sha256, name: line, listedIn: `${conf} (!${line})` });
  }
  return { entries, problems };
}

/** The certificate paths after "!" in ca-certificates.conf. */
export function parseDeselectedLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('!'))
    .map((l) => l.slice(1).trim())
    .filter(Boolean);
}
