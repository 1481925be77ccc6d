// Parses `certutil -store <name>` output. certutil ships with every Windows since Server 2003,
// needs no PowerShell start-up or native addon inside the single binary, and lists the physical
// stores separately (Root, AuthRoot, Disallowed), which Node's tls.getCACertificates('system')
// does not. Its labels are localised, so only the hash line's "(sha1)" marker and the 40-hex
// value are relied on; Subject and NotAfter are taken when the labels are English.
import type { WindowsStoreEntry } from '../trust-store';

const CERT_HEADER = /^=+ *\S.*?\d+ *=+\s*$/;
const SHA1_LINE = /\(sha1\)\s*:\s*([0-9a-f ]{40,59})\s*$/i;

export function parseCertutilStore(output: string): WindowsStoreEntry[] {
  const entries: WindowsStoreEntry[] = [];
  let current: { subject: string | null; notAfter: string | null } | null = null;
  for (const rawLine of output.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (CERT_HEADER.test(line)) {
      current = { subject: null, notAfter: null };
      continue;
    }
    if (!current) continue;
    if (line.startsWith('Subject:')) current.subject = line.slice('Subject:'.length).trim();
    else if (line.startsWith('NotAfter:')) current.notAfter = line.slice('NotAfter:'.length).trim();
    const hash = SHA1_LINE.exec(line);
    if (hash) {
      const sha1 = hash[1]!.replace(/ /g, '').toUpperCase();
      if (/^[0-9A-F]{40}$/.test(sha1)) entries.push({ sha1, subject: current.subject, notAfter: current.notAfter });
      current = null;
    }
  }
  return entries;
}
