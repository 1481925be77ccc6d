// src/core/log.ts: the no-op log, the ambient log, and the attribution of guest reads to the fact
// being gathered (what GuestFs notes reaches the recorder of the gathering that made the read).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LOGGED_PATHS, NO_LOG, noteSource, recordSources, SourceRecorder, type EventLog } from '../../src/core/log';
import { GuestFs } from '../../src/facts/guest-fs';
import { Facts, type FactsOptions } from '../../src/facts/facts';
import { DEFAULT_LAYER_TIMEOUTS } from '../../src/net/layers';

function capture(): EventLog & { lines: Array<[string, Record<string, unknown>, string]> } {
  const lines: Array<[string, Record<string, unknown>, string]> = [];
  return {
    lines,
    debug: (e, m) => lines.push(['debug', e as Record<string, unknown>, m]),
    info: (e, m) => lines.push(['info', e as Record<string, unknown>, m]),
    warn: (e, m) => lines.push(['warn', e as Record<string, unknown>, m]),
  };
}

describe('NO_LOG', () => {
  it('NO_LOG logs nothing and says so', () => {
    expect(() => NO_LOG.debug({ a: 1 }, 'x')).not.toThrow();
    expect(NO_LOG.isLevelEnabled?.('debug')).toBe(false);
  });
});

describe('SourceRecorder', () => {
  it('names each path once, at most MAX_LOGGED_PATHS of them, and counts them all', () => {
    const recorder = new SourceRecorder();
    for (let i = 0; i < 120; i++) recorder.note(`/etc/file-${i % 80}`);
    const { paths, pathCount } = recorder.summary();
    expect(paths).toHaveLength(MAX_LOGGED_PATHS);
    expect(paths[0]).toBe('/etc/file-0');
    expect(pathCount).toBe(80);
  });

  it('gets what is noted under recordSources, however deep, and only that; concurrent gatherings keep theirs apart', async () => {
    const a = new SourceRecorder();
    const b = new SourceRecorder();
    noteSource('/outside');
    await Promise.all([
      recordSources(a, async () => {
        await new Promise((r) => setTimeout(r, 5));
        noteSource('/a/1');
        await Promise.resolve().then(() => noteSource('/a/2'));
      }),
      recordSources(b, async () => {
        noteSource('/b/1');
        // A nested gathering (another fact started from inside this one) records its own reads.
        const inner = new SourceRecorder();
        await recordSources(inner, async () => noteSource('/inner'));
        expect(inner.summary().paths).toEqual(['/inner']);
      }),
    ]);
    expect(a.summary()).toEqual({ paths: ['/a/1', '/a/2'], pathCount: 2 });
    expect(b.summary()).toEqual({ paths: ['/b/1'], pathCount: 1 });
  });

  it('receives the paths GuestFs reads and lists, live and under a root', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-log-'));
    try {
      writeFileSync(path.join(root, 'os-release'), 'ID=debian\n');
      const recorder = new SourceRecorder();
      await recordSources(recorder, async () => {
        const guest = new GuestFs(root);
        await guest.readText('/os-release');
        await guest.list('/');
        await guest.readText('/missing');
        await GuestFs.live().readText(path.join(root, 'os-release'));
      });
      expect(recorder.summary().paths).toEqual(['/os-release', '/', '/missing', path.join(root, 'os-release')]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('Facts.memo events', () => {
  const options = (logger: EventLog, root: string): FactsOptions => ({
    root,
    platform: 'linux',
    trustStorePaths: [],
    env: {},
    deadline: new AbortController().signal,
    deadlineAt: Date.now() + 60_000,
    proxy: { cliProxy: null, cliNoProxy: true },
    imdsEndpoint: null,
    network: {
      cloud: null,
      region: null,
      cacheStorageAccounts: [],
      extraEndpoints: [],
      connectTo: [],
      timeouts: DEFAULT_LAYER_TIMEOUTS,
      loopbackOnly: true,
      userAgent: 'test',
    },
    logger,
  });

  it("logs a fact's start, then its end with the time taken and the guest paths it read, once however often it is asked for", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-log-'));
    try {
      writeFileSync(path.join(root, 'placeholder'), '');
      const log = capture();
      const facts = new Facts(options(log, root));
      await Promise.all([facts.host(), facts.host()]);
      const host = log.lines.filter(([, e]) => e.fact === 'host');
      expect(host.map(([level, , m]) => [level, m])).toEqual([
        ['debug', 'fact started'],
        ['debug', 'fact gathered'],
      ]);
      expect(host[1]![1]).toMatchObject({ ms: expect.any(Number), paths: expect.arrayContaining(['/etc/os-release']), pathCount: expect.any(Number) });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('records no paths when the log says debug goes nowhere', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-log-'));
    try {
      const log = { ...capture(), isLevelEnabled: () => false };
      const facts = new Facts(options(log, root));
      await facts.host();
      expect(log.lines.find(([, , m]) => m === 'fact gathered')?.[1]).toEqual({ fact: 'host', ms: expect.any(Number) });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
