import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool, type SpoolEntry } from '../../src/sinks/spool';
import { entryProblem } from '../../src/sinks/spool-read';
import { spoolCondition } from '../../src/sinks/spool-condition';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const entry = (createdAt: string, runId = randomUUID()): SpoolEntry => ({
  version: 1,
  createdAt,
  runId,
  pending: [{ name: 'collector' }],
  report: { runId } as never,
});
const put = async (spool: Spool, e: SpoolEntry) => spool.release(await spool.writeClaimed(e), true);

describe('Spool', () => {
  it("writes owner-only entries in order, quarantines a broken one with its reason, and leaves a live writer's temporary file", async () => {
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'asr-ready-spool-unit-')), 'spool');
    const spool = new Spool(dir, { maxFiles: 10, maxBytes: 1e9 });
    await spool.ensure();
    const b = entry('2026-11-27T10:00:02.000Z');
    const a = entry('2026-11-27T10:00:01.000Z');
    await put(spool, b);
    await put(spool, a);
    writeFileSync(path.join(dir, '20261127T000000000Z-broken.json'), '{"version":1,"runId":');
    const live = `.tmp-${Date.now()}-${process.pid}-x-0a`; // another host's name: judged by age only
    writeFileSync(path.join(dir, live), '{"half');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect((await spool.list()).map((f) => f.entry.runId)).toEqual([a.runId, b.runId]);
    expect(spool.warnings).toEqual([
      'spool entry 20261127T000000000Z-broken.json cannot be sent: it is not complete JSON (21 bytes; half-written or damaged); moved aside as 20261127T000000000Z-broken.json.corrupt (delete it once looked at)',
    ]);
    expect(readFileSync(path.join(dir, '20261127T000000000Z-broken.json.corrupt.reason'), 'utf8')).toMatch(
      /20261127T000000000Z-broken\.json: it is not complete JSON/,
    );
    expect(readdirSync(dir)).toContain(live);
    expect(statSync(path.join(dir, Spool.nameFor(a))).mode & 0o777).toBe(0o600);
  });

  it('gives a claimed entry to one taker only', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-spool-unit-'));
    const spool = new Spool(dir, { maxFiles: 10, maxBytes: 1e9 });
    const e = entry('2026-11-27T10:00:01.000Z');
    await put(spool, e);
    const name = Spool.nameFor(e);
    const [one, two] = await Promise.all([spool.claim(name), new Spool(dir, spool.limits).claim(name)]);
    expect([one, two].filter(Boolean)).toHaveLength(1);
    expect(await spool.list()).toEqual([]); // claimed by this live process: not listed, not taken back
  });

  it('drops an entry over the byte limit on its own before older ones, then the oldest', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-spool-unit-'));
    const spool = new Spool(dir, { maxFiles: 2, maxBytes: 400 });
    const old = entry('2026-11-27T10:00:01.000Z');
    const huge = { ...entry('2026-11-27T10:00:02.000Z'), report: { runId: '', pad: 'x'.repeat(500) } as never };
    huge.report = { ...(huge.report as object), runId: huge.runId } as never;
    const mid = entry('2026-11-27T10:00:03.000Z');
    const last = entry('2026-11-27T10:00:04.000Z');
    for (const e of [old, huge, mid, last]) await put(spool, e);
    const dropped = await spool.enforceLimits();
    expect(dropped.map((d) => d.runId)).toEqual([huge.runId, old.runId]);
    expect((await spool.list()).map((f) => f.entry.runId)).toEqual([mid.runId, last.runId]);
  });
});

describe('entryProblem', () => {
  it.each([
    [null, 'it is not a JSON object'],
    [[], 'it is not a JSON object'],
    [{ version: 3 }, 'its version is 3, not 1 or 2'],
    [{ version: 1, runId: '../../etc/passwd' }, 'it has no valid runId'],
    [{ version: 1, runId: '0b1f0c57-3c1c-4a55-9d3e-111111111111', createdAt: 'soon' }, 'it has no valid createdAt'],
    [
      { version: 1, runId: '0b1f0c57-3c1c-4a55-9d3e-111111111111', createdAt: '2026-01-01T00:00:00Z', pending: [{ name: 'ftp' }] },
      'its list of pending destinations is missing or invalid',
    ],
    [
      {
        version: 1,
        runId: '0b1f0c57-3c1c-4a55-9d3e-111111111111',
        createdAt: '2026-01-01T00:00:00Z',
        pending: [{ name: 'collector' }],
        report: { runId: 'other' },
      },
      'it holds no report for its runId',
    ],
  ])('%j → %s', (value, problem) => {
    expect(entryProblem(value)).toBe(problem);
  });
});

describe('spoolCondition', () => {
  it('names EROFS, ENOSPC and EACCES and says what to do', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(spoolCondition('/s', err('EROFS'), 'writing')).toEqual({
      code: 'read-only',
      errno: 'EROFS',
      message: expect.stringContaining('/s is on a read-only file system (EROFS, while writing)'),
    });
    expect(spoolCondition('/s', err('ENOSPC'), 'writing').code).toBe('full');
    expect(spoolCondition('/s', err('EACCES'), 'writing').message).toContain('run as the user that owns it');
    expect(spoolCondition('/s', new Error('odd'), 'writing')).toMatchObject({ code: 'unusable', errno: null });
  });
});
