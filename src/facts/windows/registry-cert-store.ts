// The LocalMachine certificate stores as the registry holds them (trust.azure-roots), read with
// `reg query <store>\Certificates /s`: one subkey per certificate, named by its SHA-1 thumbprint,
// with the certificate in the REG_BINARY value "Blob". Nothing here depends on the display
// language: key paths, value names, "REG_BINARY" and the hex data are the same in every locale
// (reg's own messages are localised, and are only ever shown, never parsed).
//
// The Blob is a serialized certificate store element: a run of properties, each
//   id (uint32 LE) | encodingType (uint32 LE, 1) | length (uint32 LE) | data (length bytes)
// with the DER certificate as property 0x20 (CERT_CERT_PROP_ID). Layout as specified for
// SerializedCertificateEntry / SerializedPropertyEntry in [MS-OSHARED] 2.3.2.5.1 and 2.3.2.5.3
// (https://learn.microsoft.com/en-us/openspecs/office_file_formats/ms-oshared/38a1970a-a95e-49a4-bcaf-6d8c10ddd5ac:
// "id (4 bytes): An unsigned integer. MUST be 0x00000020. encodingType (4 bytes) … MUST be the value
// 0x00000001 … length (4 bytes) … certificate (variable): … DER encoding of an X.509 certificate"),
// which is what CertSerializeCertificateStoreElement writes and the registry provider stores.
import { X509Certificate } from 'node:crypto';
import type { WindowsStoreEntry } from '../trust-store';
import { matchValueLine } from './reg-query';

export const CERT_CERT_PROP_ID = 0x20;
/** More certificates than any store holds (a Root store has some 50 to 450); beyond it the rest is dropped, and said. */
export const MAX_STORE_ENTRIES = 5000;
/** A certificate carries a few dozen properties at most; more is not a certificate element. */
const MAX_PROPERTIES = 1024;

export interface RegistryStoreParse {
  entries: WindowsStoreEntry[];
  /** Subkeys seen (one per certificate). */
  keys: number;
  /** Lines that were neither a key path, a value, nor blank (first few, as printed). */
  unrecognised: string[];
  /** Certificates whose Blob could not be read, named by their key. */
  notes: string[];
}

/** The properties of a serialized certificate element; null when the bytes are not one. */
export function parseSerializedElement(blob: Uint8Array): Array<{ id: number; data: Uint8Array }> | null {
  const props: Array<{ id: number; data: Uint8Array }> = [];
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let at = 0;
  while (at + 12 <= blob.length) {
    const id = view.getUint32(at, true);
    const encoding = view.getUint32(at + 4, true);
    const length = view.getUint32(at + 8, true);
    if (id === 0 && encoding === 0 && length === 0) return props; // an end marker (serialized stores end with one)
    if (encoding !== 1 || length > blob.length - at - 12 || props.length >= MAX_PROPERTIES) return null;
    props.push({ id, data: blob.subarray(at + 12, at + 12 + length) });
    at += 12 + length;
  }
  return at === blob.length ? props : null;
}

/** The certificate in a Blob, read: its SHA-1 (upper-case hex), subject and notAfter; or why not. */
export function certificateFromBlob(blob: Uint8Array): WindowsStoreEntry | { problem: string } {
  const props = parseSerializedElement(blob);
  if (!props) return { problem: 'the Blob is not a serialized certificate (a property runs past its end)' };
  const der = props.find((p) => p.id === CERT_CERT_PROP_ID)?.data;
  if (!der) return { problem: `the Blob holds no certificate (no property 0x20 among ${props.map((p) => `0x${p.id.toString(16)}`).join(', ') || 'none'})` };
  try {
    const cert = new X509Certificate(der);
    const notAfter = new Date(cert.validTo);
    return {
      sha1: cert.fingerprint.replace(/:/g, '').toUpperCase(),
      subject: cert.subject.split('\n').join(', ') || null,
      notAfter: Number.isNaN(notAfter.getTime()) ? null : notAfter.toISOString(),
    };
  } catch (err) {
    return { problem: `the certificate in the Blob does not parse (${(err as Error).message})` };
  }
}

const HEX = /^[0-9A-Fa-f]*$/;
const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

/**
 * `reg query <…>\Certificates /s` output. A certificate whose Blob cannot be read still counts by its
 * key name (a 40-hex thumbprint) when that is what the key is called: Windows looks certificates up
 * by it, and a Disallowed entry is a distrust whatever its Blob holds. Linear in the output.
 */
export function parseRegistryCertificates(output: string): RegistryStoreParse {
  const entries: WindowsStoreEntry[] = [];
  const unrecognised: string[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  let keys = 0;
  let currentKey: string | null = null;
  let currentHasBlob = false;
  const closeKey = () => {
    if (currentKey !== null && !currentHasBlob && THUMBPRINT.test(currentKey)) {
      add({ sha1: currentKey.toUpperCase(), subject: null, notAfter: null });
      notes.push(`${currentKey}: no Blob value; counted by its key name`);
    }
  };
  const add = (entry: WindowsStoreEntry) => {
    if (seen.has(entry.sha1)) return;
    if (entries.length >= MAX_STORE_ENTRIES) {
      if (entries.length === MAX_STORE_ENTRIES && !notes.some((n) => n.startsWith('more than')))
        notes.push(`more than ${MAX_STORE_ENTRIES} certificates; the rest were not read`);
      return;
    }
    seen.add(entry.sha1);
    entries.push(entry);
  };
  for (const raw of output.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (line.startsWith('HKEY_')) {
      closeKey();
      const parts = line.trim().split('\\');
      // The store's own key (…\Certificates) is printed first; each certificate is a subkey of it.
      if (parts.at(-1)!.toLowerCase() === 'certificates') {
        currentKey = null;
        continue;
      }
      keys++;
      currentKey = parts.at(-1)!;
      currentHasBlob = false;
      continue;
    }
    const value = matchValueLine(line.replace(/\t/g, '    '));
    if (!value) {
      if (unrecognised.length < 5) unrecognised.push(line.length > 120 ? `${line.slice(0, 120)}…` : line);
      continue;
    }
    if (currentKey === null || value.name !== 'Blob') continue;
    currentHasBlob = true;
    if (value.type !== 'REG_BINARY' || !HEX.test(value.value) || value.value.length % 2 !== 0) {
      notes.push(`${currentKey}: Blob is ${value.type}, not REG_BINARY hex`);
      if (THUMBPRINT.test(currentKey)) add({ sha1: currentKey.toUpperCase(), subject: null, notAfter: null });
      continue;
    }
    const cert = certificateFromBlob(Buffer.from(value.value, 'hex'));
    if ('problem' in cert) {
      notes.push(`${currentKey}: ${cert.problem}`);
      if (THUMBPRINT.test(currentKey)) add({ sha1: currentKey.toUpperCase(), subject: null, notAfter: null });
      continue;
    }
    if (THUMBPRINT.test(currentKey) && cert.sha1 !== currentKey.toUpperCase())
      notes.push(`${currentKey}: the key is named for another certificate than its Blob holds (${cert.sha1})`);
    add(cert);
  }
  closeKey();
  return { entries, keys, unrecognised, notes };
}
