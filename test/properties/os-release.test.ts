// os-release and the pre-systemd release files (src/facts/os-release.ts): never throws, values
// capped with the marker, linear on hostile repetitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOsRelease, parseRedhatRelease, parseSuseRelease } from '../../src/facts/os-release';
import { EVIDENCE_MAX_CHARS } from '../../src/core/text-bounds';
import { SUPPORT_MATRIX, findLinuxEntry, placeLinuxVersion } from '../../src/catalog/support-matrix';
import { evaluateLinuxSupport } from '../../src/checks/os-supported';
import type { HostFacts } from '../../src/facts/host';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const FRAGMENTS = ['PRETTY_NAME=', 'ID=', '"', "'", '\\', '\\"', '=', '#', ' ', '\n', '\r\n', 'release 7.9', 'VERSION = 12', 'PATCHLEVEL = 5', '\u001b[2J'];
const MARKER = /…\[truncated, [\d,]+ more bytes\]$/;

describe('os-release parser', () => {
  it('never throws; keys are identifiers; values are capped', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(FRAGMENTS)), (text) => {
        for (const result of [parseOsRelease(text), parseRedhatRelease(text), parseSuseRelease(text)]) {
          for (const [key, value] of Object.entries(result)) {
            expect(key).toMatch(/^[A-Za-z0-9_]+$/);
            expect(value.length).toBeLessThanOrEqual(EVIDENCE_MAX_CHARS + 40);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('cuts a huge value with the visible marker', () => {
    const value = parseOsRelease(`PRETTY_NAME="${'x'.repeat(100_000)}"\nID=rhel\n`).PRETTY_NAME!;
    expect(value).toBe(`${'x'.repeat(EVIDENCE_MAX_CHARS)}…[truncated, ${(100_000 - EVIDENCE_MAX_CHARS).toLocaleString('en-US')} more bytes]`);
    expect(parseRedhatRelease(`Red Hat release 7.9 ${'y'.repeat(10_000)}`).PRETTY_NAME).toMatch(MARKER);
    expect(parseOsRelease('ID=rhel\n').ID).toBe('rhel');
  });

  it.each([
    ['"=" only', (n: number) => '='.repeat(n)],
    ['"# " repeated', (n: number) => repeatTo('# ', n)],
    ['an unterminated quote', (n: number) => repeatTo('a', n, 'PRETTY_NAME="')],
    ['escaped quotes in a quoted value', (n: number) => repeatTo('\\"', n, 'NAME="', '"')],
    ['a key without "="', (n: number) => 'A'.repeat(n)],
    ['blank lines', (n: number) => repeatTo(' \r\n', n)],
    ['short KEY=value lines', (n: number) => repeatTo('K="v"\n', n)],
  ])('os-release is linear: %s', (name, build) => {
    expectLinear(name, parseOsRelease, build);
  });

  it.each([
    ['"release " without a number', (n: number) => repeatTo('release ', n)],
    ['"release 1." repeated', (n: number) => repeatTo('release 1.', n)],
  ])('redhat-release is linear: %s', (name, build) => {
    expectLinear(name, parseRedhatRelease, build);
  });

  it.each([
    ['"VERSION = " without a number', (n: number) => repeatTo('VERSION = PATCHLEVEL = ', n)],
    ['one long first line', (n: number) => 'S'.repeat(n)],
  ])('SuSE-release is linear: %s', (name, build) => {
    expectLinear(name, parseSuseRelease, build);
  });
});

// The version placement of os.supported (src/catalog/support-matrix.ts placeLinuxVersion): VERSION_ID
// and /etc/debian_version come from the guest, so any text is placed without throwing, in linear time.
describe('support-matrix version placement', () => {
  const listed = SUPPORT_MATRIX.linux.filter((d) => d.versions.length > 0);
  const entry = (id: string) => SUPPORT_MATRIX.linux.find((d) => d.id === id)!;
  const KINDS = ['listed', 'unlisted', 'newer', 'unplaced'];
  const VERSIONISH = textOf(['1', '9', '12', '15', '24', '.', '.0', '.04', '.10', '-', ' ', 'x'], 8);

  it('never throws, whatever VERSION_ID and point release', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SUPPORT_MATRIX.linux), fc.oneof(anyText, VERSIONISH), fc.option(fc.oneof(anyText, VERSIONISH)), (d, versionId, point) => {
        expect(KINDS).toContain(placeLinuxVersion(d, d.versions, versionId, point).kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('any release above the newest major of a distribution is newer than the matrix (an Ubuntu interim release is not)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...listed), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 30 }), (d, ahead, minor) => {
        const top = Math.max(...d.versions.map((r) => Number(r.split('.')[0])));
        const version = `${top + ahead}.${d.ltsOnly ? String(minor).padStart(2, '0') : minor}`;
        const placed = placeLinuxVersion(d, d.versions, version, version);
        const interim = d.ltsOnly && !/^\d*[02468]\.04$/.test(version);
        expect(placed.kind).toBe(interim ? 'unlisted' : 'newer');
      }),
      { numRuns: 500 },
    );
  });

  it('recognises CentOS Stream from its NAME whatever VERSION_ID says, and fails it', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, VERSIONISH), (versionId) => {
        const osRelease = { ID: 'centos', NAME: 'CentOS Stream', VERSION_ID: versionId };
        expect(findLinuxEntry(SUPPORT_MATRIX, osRelease)?.id).toBe('centos-stream');
        const host: HostFacts = {
          os: 'linux',
          distro: 'centos',
          distroName: null,
          version: versionId,
          kernel: null,
          arch: 'x86_64',
          hostname: 'h',
          family: 'rhel',
          osRelease,
          fromRoot: false,
        };
        expect(
          evaluateLinuxSupport(host, { release: null, source: 'running', installed: [], debianVersion: null }, SUPPORT_MATRIX, new Date('2026-11-27T00:00:00Z'))
            .status,
        ).toBe('fail');
      }),
      { numRuns: 500 },
    );
    expect(findLinuxEntry(SUPPORT_MATRIX, { ID: 'centos', NAME: 'CentOS Linux', VERSION_ID: '8' })?.id).toBe('centos');
  });

  it.each([
    ['VERSION_ID "1.1.1…"', (n: number) => repeatTo('1.', n, '', '1')],
    ['VERSION_ID "1.1.1…x"', (n: number) => repeatTo('1.', n, '', 'x')],
    ['a long digit run', (n: number) => '9'.repeat(n)],
  ])('is linear: %s', (name, build) => {
    expectLinear(name, (text) => placeLinuxVersion(entry('rhel'), entry('rhel').versions, text, null), build);
  });

  it('is linear on a hostile /etc/debian_version', () => {
    expectLinear(
      'debian_version "9.1.1…"',
      (text) => placeLinuxVersion(entry('debian'), entry('debian').versions, '9', text),
      (n) => repeatTo('.1', n, '9'),
    );
  });
});
