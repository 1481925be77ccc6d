// The catalog is data typed in by hand from the reference: check it against the real certificates.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AZURE_ROOTS, validateRootCatalog } from '../../src/catalog/azure-roots';
import { rootPem } from '../helpers/roots';

const inDebianBundle = AZURE_ROOTS.roots.filter((r) => r.debianFile);

describe('Azure root catalog', () => {
  it('has exactly one required root, DigiCert Global Root G2', () => {
    expect(AZURE_ROOTS.roots.filter((r) => r.status === 'required').map((r) => r.name)).toEqual(['DigiCert Global Root G2']);
  });

  it.each(inDebianBundle.map((r) => [r.name, r] as const))('%s: fingerprints and notAfter match the real certificate', (_name, root) => {
    const cert = new X509Certificate(rootPem(root.id));
    expect(cert.fingerprint256.replace(/:/g, '')).toBe(root.sha256);
    expect(cert.fingerprint.replace(/:/g, '')).toBe(root.sha1);
    expect(new Date(cert.validTo).toISOString()).toBe(new Date(root.notAfter).toISOString());
  });

  it('has the subject hashes openssl computes (the <hash>.0 names OpenSSL looks roots up by)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-hash-'));
    try {
      for (const root of inDebianBundle) {
        const file = path.join(dir, `${root.id}.pem`);
        writeFileSync(file, rootPem(root.id));
        const hashes = execFileSync('openssl', ['x509', '-in', file, '-noout', '-subject_hash', '-subject_hash_old'], { encoding: 'utf8' }).trim().split('\n');
        expect([root.id, ...hashes]).toEqual([root.id, root.subjectHash, root.subjectHashOld]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects malformed entries', () => {
    const bad = structuredClone(AZURE_ROOTS);
    bad.roots[0]!.sha256 = 'cb:3c';
    expect(() => validateRootCatalog(bad)).toThrow(/digicert-global-root-g2 sha256 is not 64 upper-case hex digits/);
    const noRequired = { ...structuredClone(AZURE_ROOTS), roots: AZURE_ROOTS.roots.filter((r) => r.status !== 'required') };
    expect(() => validateRootCatalog(noRequired)).toThrow(/no required root/);
  });
});
