// Under --root the verdict is the image's: checks of the machine asr-ready runs on (network path,
// clock, IMDS, disk activity) are reported as skips that say why, unless --checks names them.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { startFakeImds } from '../helpers/fake-imds';
import type { Report } from '../../src/report/report';

const THIS_MACHINE = ['azure.metadata', 'network.proxy', 'network.endpoints', 'network.tls-inspection', 'time.skew', 'time.sync', 'storage.churn'];

const guest = new FakeGuest().osRelease('debian', '12', 'Debian GNU/Linux 12 (bookworm)').write('/etc/fstab', 'UUID=0d9f / ext4 defaults 0 1\n');
afterAll(() => guest.remove());

const run = async (...args: string[]) => {
  const result = await runCli(['--root', guest.root, '--json', '--deadline', '60', ...args], { env: cleanEnv() });
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
};

describe("--root keeps checks of this machine out of the image's verdict", () => {
  it('by default each is a skip naming why and how to include it; no endpoint is probed', async () => {
    const { report } = await run();
    for (const id of THIS_MACHINE) {
      const f = report.findings.find((x) => x.checkId === id);
      expect(f, id).toBeDefined();
      expect(f!.status).toBe('skip');
      expect(f!.summary).toContain(`Not run under --root: ${id} describes the machine asr-ready runs on`);
      expect(f!.summary).toContain(
        `add --checks ${id} ${id.startsWith('network.') || id === 'time.skew' ? "to include this machine's view" : 'to run it on what the image holds'}`,
      );
    }
    expect(report.endpoints).toEqual([]);
    // The image's own checks still ran and were judged.
    expect(report.findings.find((f) => f.checkId === 'os.supported')!.status).toBe('pass');
  });

  it('no check asks IMDS by default, even with --imds-endpoint given: it would describe this machine', async () => {
    const imds = await startFakeImds({});
    try {
      const { report } = await run('--imds-endpoint', imds.url);
      expect(imds.requests).toEqual([]);
      expect(report.findings.find((f) => f.checkId === 'azure.metadata')!.status).toBe('skip');
      expect(report.findings.find((f) => f.checkId === 'resources.size')!.summary).not.toContain('Standard_');
    } finally {
      await imds.close();
    }
  });

  it('a check named by --checks (or its family) runs, and the others stay out', async () => {
    const { report } = await run('--checks', 'time.,os.supported');
    expect(report.findings.map((f) => f.checkId)).toEqual(['time.skew', 'time.sync', 'os.supported']);
    const sync = report.findings.find((f) => f.checkId === 'time.sync')!;
    expect(sync.summary).not.toContain('Not run under --root');
  });
});

describe('--root on Windows', () => {
  it("is a usage error: every Windows fact is the running system's, so an image cannot be judged", async () => {
    const { runCli: runInProcess } = await import('../../src/cli/run');
    const out: string[] = [];
    await expect(runInProcess(['--root', guest.root], { env: {}, platform: 'windows', stdout: { write: (t: string) => out.push(t) } })).rejects.toThrow(
      '--root applies to Linux guest images',
    );
    expect(out).toEqual([]);
  });
});
