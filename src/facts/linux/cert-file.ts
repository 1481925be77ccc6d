// Reads certificates out of one file as OpenSSL would: PEM blocks (CERTIFICATE and TRUSTED
// CERTIFICATE, any text between them ignored) or, failing that, a single DER certificate.
// Parsing and fingerprints use node:crypto; node-forge only reads OpenSSL's trust "aux" ASN.1,
// which Node has no parser for.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { truncateText } from '../../core/text-bounds';

/** What an OpenSSL TRUSTED CERTIFICATE says about TLS server authentication. */
export type TlsTrust = 'unspecified' | 'trusted' | 'rejected' | 'not-for-tls';

export interface ParsedCertificate {
  sha256: string;
  sha1: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  tlsTrust: TlsTrust;
  format: 'pem' | 'trusted-pem' | 'der';
  pem: string;
}

export interface CertFileParse {
  certificates: ParsedCertificate[];
  problems: string[];
}

const PEM_LABELS = ['TRUSTED CERTIFICATE', 'CERTIFICATE'] as const;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
/** forge 1.x accepts an options object here; @types/node-forge still declares only `strict?: boolean`. */
const fromDerPrefix = forge.asn1.fromDer as unknown as (
  bytes: forge.util.ByteStringBuffer,
  options: { parseAllBytes: boolean; decodeBitStrings: boolean },
) => forge.asn1.Asn1;
const PREFIX_ONLY = { parseAllBytes: false, decodeBitStrings: false };
const ANY_EKU = '2.5.29.37.0';

export function parseCertificateFile(content: Buffer): CertFileParse {
  const text = content.toString('latin1');
  const certificates: ParsedCertificate[] = [];
  const problems: string[] = [];
  let blocks = 0;
  const lines = new LineCounter(text);
  for (const block of pemBlocks(text)) {
    blocks++;
    const trusted = block.label === 'TRUSTED CERTIFICATE';
    const line = lines.lineAt(block.index);
    try {
      const der = Buffer.from(block.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
      certificates.push(trusted ? fromTrustedDer(der) : fromDer(der, 'pem', 'unspecified'));
    } catch (err) {
      problems.push(`PEM block ${blocks} (line ${line}) is not a valid certificate: ${(err as Error).message}`);
    }
  }
  if (blocks === 0) {
    if (content.length > 0 && content[0] === 0x30) {
      try {
        certificates.push(fromDer(content, 'der', 'unspecified'));
      } catch (err) {
        problems.push(`not a PEM file, and not a valid DER certificate: ${(err as Error).message}`);
      }
    } else {
      problems.push(content.length === 0 ? 'the file is empty' : 'no PEM or DER certificate found');
    }
  }
  return { certificates, problems };
}

/**
 * The PEM blocks in order: each BEGIN with the first END of the same label after it; a BEGIN with
 * no END is skipped. One forward scan: a lazy regex with a backreference (BEGIN ... END \1) would
 * rescan to the end of the file from every unterminated BEGIN, quadratic in a hostile bundle.
 */
export function* pemBlocks(text: string): Generator<{ label: (typeof PEM_LABELS)[number]; body: string; index: number }> {
  const begin = (l: string) => `-----BEGIN ${l}-----`;
  const end = (l: string) => `-----END ${l}-----`;
  // Per label, the next BEGIN and END at or after the scan position (-1: none left); both only move forward.
  const nextBegin = new Map(PEM_LABELS.map((l) => [l, text.indexOf(begin(l))]));
  const nextEnd = new Map(PEM_LABELS.map((l) => [l, text.indexOf(end(l))]));
  let cursor = 0;
  for (;;) {
    let label: (typeof PEM_LABELS)[number] | null = null;
    for (const l of PEM_LABELS) {
      let at = nextBegin.get(l)!;
      if (at !== -1 && at < cursor) nextBegin.set(l, (at = text.indexOf(begin(l), cursor)));
      if (at !== -1 && (label === null || at < nextBegin.get(label)!)) label = l;
    }
    if (label === null) return;
    const index = nextBegin.get(label)!;
    const bodyStart = index + begin(label).length;
    let endAt = nextEnd.get(label)!;
    if (endAt !== -1 && endAt < bodyStart) nextEnd.set(label, (endAt = text.indexOf(end(label), bodyStart)));
    if (endAt === -1) {
      // No END of this label anywhere after: no later BEGIN of it can match either.
      nextBegin.set(label, -1);
      continue;
    }
    yield { label, body: text.slice(bodyStart, endAt), index };
    cursor = endAt + end(label).length;
  }
}

function fromDer(der: Buffer, format: ParsedCertificate['format'], tlsTrust: TlsTrust): ParsedCertificate {
  const cert = new X509Certificate(der);
  return {
    sha256: hexFingerprint(cert.fingerprint256),
    sha1: hexFingerprint(cert.fingerprint),
    subject: truncateText(oneLineName(cert.subject)),
    issuer: truncateText(oneLineName(cert.issuer)),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    tlsTrust,
    format,
    pem: cert.toString(),
  };
}

/** A TRUSTED CERTIFICATE is the certificate's DER followed by an X509_CERT_AUX structure. */
function fromTrustedDer(der: Buffer): ParsedCertificate {
  const buffer = forge.util.createBuffer(der.toString('binary'));
  fromDerPrefix(buffer, PREFIX_ONLY);
  const certLength = der.length - buffer.length();
  const aux = buffer.length() > 0 ? fromDerPrefix(buffer, PREFIX_ONLY) : null;
  return fromDer(der.subarray(0, certLength), 'trusted-pem', aux ? tlsTrustFromAux(aux) : 'unspecified');
}

/** X509_CERT_AUX ::= SEQUENCE { trust SEQUENCE OF OID OPTIONAL, reject [0] SEQUENCE OF OID OPTIONAL, ... } */
function tlsTrustFromAux(aux: forge.asn1.Asn1): TlsTrust {
  let trust: string[] | null = null;
  let reject: string[] = [];
  for (const part of asChildren(aux)) {
    if (part.tagClass === forge.asn1.Class.UNIVERSAL && part.type === forge.asn1.Type.SEQUENCE) trust = oids(part);
    else if (part.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && part.type === 0) reject = oids(part);
  }
  if (reject.includes(SERVER_AUTH) || reject.includes(ANY_EKU)) return 'rejected';
  if (trust === null) return 'unspecified';
  return trust.includes(SERVER_AUTH) || trust.includes(ANY_EKU) ? 'trusted' : 'not-for-tls';
}

function asChildren(node: forge.asn1.Asn1): forge.asn1.Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}

function oids(node: forge.asn1.Asn1): string[] {
  return asChildren(node)
    .filter((child) => child.type === forge.asn1.Type.OID && typeof child.value === 'string')
    .map((child) => forge.asn1.derToOid(child.value as string));
}

function hexFingerprint(colonHex: string): string {
  return colonHex.replace(/:/g, '').toUpperCase();
}

/** Node prints names one attribute per line; reports want one line. */
export function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** Line numbers for increasing offsets, counted once over the text (bundles can be large). */
class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly text: string) {}
  lineAt(index: number): number {
    for (; this.offset < index; this.offset++) if (this.text.charCodeAt(this.offset) === 10) this.line++;
    return this.line;
  }
}
