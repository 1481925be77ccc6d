import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCertificateFile } from '../../../src/facts/linux/cert-file';
import { DEBIAN_BUNDLE, fixture } from '../../helpers/paths';
import { asTrustedCertificate, EMAIL_PROTECTION, rootPem, sha256Of, SERVER_AUTH } from '../../helpers/roots';

describe('parseCertificateFile', () => {
  it('reads every certificate of the real Debian 12 bundle, with SHA-256 fingerprints', () => {
    const result = parseCertificateFile(readFileSync(DEBIAN_BUNDLE));
    expect(result.problems).toEqual([]);
    expect(result.certificates).toHaveLength(144);
    const g2 = result.certificates.find((c) => c.sha256 === sha256Of('digicert-global-root-g2'));
    expect(g2?.subject).toBe('C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert Global Root G2');
    expect(g2?.notAfter).toBe('2038-01-15T12:00:00.000Z');
    expect(g2?.sha1).toBe('DF3C24F9BFD666761B268073FE06D1CC8D4F82A4');
    expect(g2?.tlsTrust).toBe('unspecified');
  });

  it('ignores the "# label" lines and comment headers real RHEL and SUSE bundles have between blocks', () => {
    const rhel = parseCertificateFile(readFileSync(fixture('linux', 'trust', 'tls-ca-bundle.pem.centos7-head')));
    expect(rhel.problems).toEqual([]);
    expect(rhel.certificates.map((c) => c.subject)).toEqual([
      expect.stringContaining('CN=ACCVRAIZ1'),
      expect.stringContaining('CN=Actalis Authentication Root CA'),
      expect.stringContaining('CN=AffirmTrust Premium ECC'),
    ]);
    const suse = parseCertificateFile(readFileSync(fixture('linux', 'trust', 'ca-bundle.pem.opensuse-leap-15.3-head')));
    expect(suse.problems).toEqual([]);
    expect(suse.certificates).toHaveLength(2);
  });

  it('reads the certificate and trust settings out of a real p11-kit TRUSTED CERTIFICATE bundle', () => {
    const result = parseCertificateFile(readFileSync(fixture('linux', 'trust', 'ca-bundle.trust.crt.centos7-head')));
    expect(result.problems).toEqual([]);
    expect(result.certificates).toHaveLength(2);
    expect(result.certificates.every((c) => c.format === 'trusted-pem')).toBe(true);
    // openssl x509 -trustout on the same file: the VeriSign intermediate has an empty "Trusted Uses"
    // list (trusted for nothing); ACCVRAIZ1 is trusted for e-mail, TLS Web Server Authentication and code signing.
    expect(result.certificates.map((c) => [/CN=([^,]+)/.exec(c.subject)?.[1], c.tlsTrust])).toEqual([
      ['VeriSign Class 3 Secure Server CA - G2', 'not-for-tls'],
      ['ACCVRAIZ1', 'trusted'],
    ]);
  });

  it('honours the trust and reject lists of a TRUSTED CERTIFICATE block', () => {
    const g2 = rootPem('digicert-global-root-g2');
    const trusted = parseCertificateFile(Buffer.from(asTrustedCertificate(g2, [SERVER_AUTH])));
    expect(trusted.certificates[0]).toMatchObject({ sha256: sha256Of('digicert-global-root-g2'), tlsTrust: 'trusted', format: 'trusted-pem' });
    const rejected = parseCertificateFile(Buffer.from(asTrustedCertificate(g2, [], [SERVER_AUTH])));
    expect(rejected.certificates[0]!.tlsTrust).toBe('rejected');
    const emailOnly = parseCertificateFile(Buffer.from(asTrustedCertificate(g2, [EMAIL_PROTECTION])));
    expect(emailOnly.certificates[0]!.tlsTrust).toBe('not-for-tls');
  });

  it('reads a DER file', () => {
    const der = new X509Certificate(rootPem('digicert-global-root-g2')).raw;
    const result = parseCertificateFile(der);
    expect(result.problems).toEqual([]);
    expect(result.certificates[0]).toMatchObject({ format: 'der', sha256: sha256Of('digicert-global-root-g2') });
  });

  it('keeps the good blocks and names the bad one by number and line', () => {
    const text = `${rootPem('digicert-global-root-g2')}some notes\n-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n${rootPem('digicert-global-root-g3')}`;
    const result = parseCertificateFile(Buffer.from(text));
    expect(result.certificates.map((c) => c.sha256)).toEqual([sha256Of('digicert-global-root-g2'), sha256Of('digicert-global-root-g3')]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^PEM block 2 \(line 2[0-9]\) is not a valid certificate/);
  });

  it('says what is wrong with an empty file and with text that holds no certificate', () => {
    expect(parseCertificateFile(Buffer.alloc(0))).toEqual({ certificates: [], problems: ['the file is empty'] });
    expect(parseCertificateFile(Buffer.from('hello\n'))).toEqual({ certificates: [], problems: ['no PEM or DER certificate found'] });
    expect(parseCertificateFile(Buffer.from([0x30, 0x03, 0x01, 0x01, 0xff])).problems[0]).toMatch(/not a valid DER certificate/);
  });
});
