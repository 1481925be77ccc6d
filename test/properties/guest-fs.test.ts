// GuestFs (src/facts/guest-fs.ts): whatever links an image holds, a path resolves inside the root or
// not at all, never throws, and a file planted outside the root is never read.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { GuestFs } from '../../src/facts/guest-fs';

const outside = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-prop-outside-'));
writeFileSync(path.join(outside, 'a'), 'OUTSIDE');
afterAll(() => rmSync(outside, { recursive: true, force: true }));

const NAMES = ['a', 'b', 'c'];
const segment = fc.constantFrom('..', '.', 'a', 'b', 'c', '', outside.slice(1));
// Targets aimed at the outside file: the exact host path, through its directory, or climbing to it.
const escaping = fc.constantFrom(path.join(outside, 'a'), outside, `${'../'.repeat(12)}${outside.slice(1)}/a`, `${'../'.repeat(12)}${outside.slice(1)}`);
const target = fc.oneof(
  escaping,
  fc.tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 })).map(([absolute, parts]) => `${absolute ? '/' : ''}${parts.join('/')}` || '.'), // symlink(2) refuses an empty target
);
const node = fc.oneof(
  fc.constant<{ kind: 'file' }>({ kind: 'file' }),
  fc.constant<{ kind: 'dir' }>({ kind: 'dir' }),
  target.map((t) => ({ kind: 'link' as const, target: t })),
);

describe('GuestFs.resolve on random link graphs', () => {
  it('stays inside the root, never throws, never reads the planted outside file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ a: node, b: node, c: node, inA: node }), fc.array(segment, { minLength: 1, maxLength: 5 }), async (tree, probe) => {
        const root = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-prop-root-'));
        try {
          for (const name of NAMES) {
            const spec = tree[name as 'a' | 'b' | 'c'];
            const full = path.join(root, name);
            if (spec.kind === 'file') writeFileSync(full, 'INSIDE');
            else if (spec.kind === 'dir') mkdirSync(full);
            else symlinkSync(spec.target, full);
          }
          if (tree.a.kind === 'dir') {
            const inner = path.join(root, 'a', 'b');
            if (tree.inA.kind === 'link') symlinkSync(tree.inA.target, inner);
            else if (tree.inA.kind === 'file') writeFileSync(inner, 'INSIDE');
            else mkdirSync(inner);
          }
          const fs = new GuestFs(root);
          const guestPath = `/${probe.join('/')}`;
          const resolved = await fs.resolve(guestPath);
          if (resolved.ok) {
            expect(resolved.host === root || resolved.host.startsWith(`${root}/`)).toBe(true);
            expect(resolved.guest.startsWith('/')).toBe(true);
          }
          const text = await fs.readText(guestPath);
          expect(text.text === null || text.text === 'INSIDE').toBe(true);
          // Every name the probe can reach through the tree, read directly: never the outside file.
          for (const p of ['/a', '/b', '/c', '/a/b', '/a/a', '/b/a', '/c/a']) expect([null, 'INSIDE']).toContain((await fs.readText(p)).text);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 300 },
    );
  });
});
