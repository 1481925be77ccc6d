// The real Azure roots out of the committed Debian bundle, and bundles built from it with some left out.
import { X509Certificate } from 'node:crypto';
import { AZURE_ROOTS } from '../../src/catalog/azure-roots';
import { debianBundleBlocks } from './certs';

const bySha256 = new Map<string, string>();
for (const block of debianBundleBlocks()) {
  bySha256.set(new X509Certificate(block).fingerprint256.replace(/:/g, ''), block.endsWith('\n') ? block : `${block}\n`);
}

export function rootPem(id: string): string {
  const root = AZURE_ROOTS.roots.find((r) => r.id === id);
  if (!root) throw new Error(`no catalog root ${id}`);
  const pem = bySha256.get(root.sha256);
  if (!pem) throw new Error(`${id} is not in the Debian bundle fixture`);
  return pem;
}

export function sha256Of(id: string): string {
  return AZURE_ROOTS.roots.find((r) => r.id === id)!.sha256;
}

/** The whole Debian bundle minus the given catalog roots. */
export function debianBundleWithout(...ids: string[]): string {
  const drop = new Set(ids.map(sha256Of));
  return [...bySha256.entries()]
    .filter(([sha]) => !drop.has(sha))
    .map(([, pem]) => pem)
    .join('');
}

export function debianBundleText(): string {
  return [...bySha256.values()].join('');
}

/** Only the expired and legacy roots the old 151066 article names. */
export function legacyOnlyBundle(): string {
  return rootPem('digicert-global-root-ca') + rootPem('baltimore-cybertrust-root');
}

/** A PEM certificate as an OpenSSL TRUSTED CERTIFICATE with the given trust and reject EKU OIDs. */
export function asTrustedCertificate(pem: string, trust: string[], reject: string[] = []): string {
  // X509_CERT_AUX ::= SEQUENCE { trust SEQUENCE OF OID OPTIONAL, reject [0] IMPLICIT SEQUENCE OF OID OPTIONAL }
  const der = new X509Certificate(pem).raw;
  const oid = (o: string) => tlv(0x06, oidBody(o));
  const parts: Buffer[] = [];
  if (trust.length) parts.push(tlv(0x30, Buffer.concat(trust.map(oid))));
  if (reject.length) parts.push(tlv(0xa0, Buffer.concat(reject.map(oid))));
  const aux = tlv(0x30, Buffer.concat(parts));
  const body = Buffer.concat([der, aux])
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN TRUSTED CERTIFICATE-----\n${body}\n-----END TRUSTED CERTIFICATE-----\n`;
}

function tlv(tag: number, body: Buffer): Buffer {
  const len = body.length;
  const header = len < 0x80 ? Buffer.from([tag, len]) : len < 0x100 ? Buffer.from([tag, 0x81, len]) : Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  return Buffer.concat([header, body]);
}

function oidBody(oid: string): Buffer {
  const [a, b, ...rest] = oid.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return Buffer.from(bytes);
}

export const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
