// A hashed certificate directory of 20,000+ entries: every hash link is read whatever order the file
// system lists names in (the cap keeps hash links first), each distinct certificate is parsed once
// however many files hold it, and the trust verdict is that of the same store without the copies.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLinuxTrustStore } from '../../../src/facts/linux/read-linux-trust-store';
import { CertSourceReader, HASH_LINK_NAME, MAX_DIRECTORY_ENTRIES } from '../../../src/facts/linux/cert-source-reader';
import { GuestFs } from '../../../src/facts/guest-fs';
import { debianBundleText } from '../../helpers/roots';

let base: string;
let big: string;
let small: string;
let roots: string[];

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-certdir-'));
  big = path.join(base, 'big');
  small = path.join(base, 'small');
  mkdirSync(big);
  mkdirSync(small);
  roots = debianBundleText().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
  roots.forEach((pem, i) => {
    writeFileSync(path.join(small, `root-${i}.pem`), pem);
    writeFileSync(path.join(big, `root-${i}.pem`), pem);
  });
  execFileSync('openssl', ['rehash', small]);
  execFileSync('openssl', ['rehash', big]);
  // Copies of the same roots under other names, past the cap: the names sort after nothing in particular.
  for (let i = 0; i < MAX_DIRECTORY_ENTRIES + 500; i++)
    copyFileSync(path.join(big, `root-${i % roots.length}.pem`), path.join(big, `${(i * 7919).toString(36)}-copy.pem`));
}, 60_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('a 20,000-file hashed directory', () => {
  it('keeps every hash link, whatever the listing order, and says what the cap left out', async () => {
    const links = readdirSync(big).filter((n) => HASH_LINK_NAME.test(n));
    expect(links.length).toBeGreaterThan(100);
    const started = performance.now();
    const store = await readLinuxTrustStore({ root: '/', family: 'debian', overridePaths: [big], env: {} });
    const elapsed = performance.now() - started;
    const reference = await readLinuxTrustStore({ root: '/', family: 'debian', overridePaths: [small], env: {} });
    const source = store.sources[0]!;
    expect(source.hashLinks).toBe(links.length);
    expect(source.certificates).toBe(reference.sources[0]!.certificates);
    expect(source.problems.join('\n')).toMatch(/more than 20,000 certificate files; 20,000 were read, every hash link among them first/);
    // Every root is reachable through its hash link, as in the store without the copies.
    const viaLink = (s: typeof store) =>
      [...s.certificates.values()]
        .filter((c) => c.locations.some((l) => l.via === 'hash-link'))
        .map((c) => c.sha256)
        .sort();
    expect(viaLink(store)).toEqual(viaLink(reference));
    expect(elapsed).toBeLessThan(20_000); // a correctness bound only; the speed goal is measured by npm run bench
  }, 60_000);

  it('parses each distinct content once, however many files hold it', async () => {
    const reader = new CertSourceReader(GuestFs.live());
    const names = readdirSync(big).slice(0, 3_000);
    await Promise.all(names.map((n) => reader.readFile(path.join(big, n), n)));
    expect(reader.parseCount).toBeLessThanOrEqual(roots.length);
    const distinct = new Set(names.map((n) => (HASH_LINK_NAME.test(n) ? null : n)).filter(Boolean)).size;
    expect(distinct).toBeGreaterThan(reader.parseCount);
  }, 60_000);
});
