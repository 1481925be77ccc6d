// Test certificates: keys from node:crypto (fast), certificates built and signed with node-forge.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import { DEBIAN_BUNDLE } from './paths';

export interface TestCa {
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

export interface CertOptions {
  commonName: string;
  notBefore?: Date;
  notAfter?: Date;
  issuer?: TestCa;
  isCa?: boolean;
  dnsNames?: string[];
}

let serial = 1;

export function makeCertificate(options: CertOptions): TestCa {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = (0x1000 + serial++).toString(16);
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  const subject = [
    { name: 'commonName', value: options.commonName },
    { name: 'organizationName', value: 'asr-ready tests' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : subject);
  const isCa = options.isCa ?? !options.issuer;
  const extensions: object[] = [
    { name: 'basicConstraints', cA: isCa, critical: true },
    { name: 'keyUsage', keyCertSign: isCa, cRLSign: isCa, digitalSignature: true, keyEncipherment: !isCa, critical: true },
  ];
  if (options.dnsNames) {
    extensions.push({ name: 'extKeyUsage', serverAuth: true });
    extensions.push({ name: 'subjectAltName', altNames: options.dnsNames.map((value) => ({ type: 2, value })) });
  }
  cert.setExtensions(extensions);
  const key = forge.pki.privateKeyFromPem(privateKey);
  cert.sign(options.issuer ? options.issuer.key : key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKey, cert, key };
}

/** PEM blocks of the committed Debian bundle, keyed by SHA-256 (upper hex) via node:crypto. */
export function debianBundleBlocks(): string[] {
  return readFileSync(DEBIAN_BUNDLE, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
}
