// Configuration layers through the CLI: flags > ASR_READY_* environment > config file > defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli';
import { FakeGuest } from '../helpers/fake-guest';
import { DEBIAN_BUNDLE } from '../helpers/paths';
import type { Report } from '../../src/report/report';

let files: FakeGuest;
beforeAll(() => {
  files = new FakeGuest('asr-ready-config-')
    .write('/config.json', JSON.stringify({ checks: ['trust.'], trustStore: [DEBIAN_BUNDLE], output: 'json', failOn: 'warn', deadline: 30 }))
    .write('/unknown-key.json', JSON.stringify({ checks: ['trust.'], reportToken: 'abc' }))
    .write('/wrong-type.json', JSON.stringify({ deadline: [30] }))
    .write('/bad.json', '{ "checks": ');
});
afterAll(() => files.remove());

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env: cleanEnv(env) });

describe('configuration file and environment', () => {
  it('takes options from --config, and names the file in the report', async () => {
    const result = await run(['--config', files.path('/config.json')]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.run).toMatchObject({
      checks: ['trust.'],
      failOn: 'warn',
      deadlineSeconds: 30,
      trustStore: [DEBIAN_BUNDLE],
      configFile: files.path('/config.json'),
    });
  });

  it('lets ASR_READY_* override the file, and flags override both', async () => {
    const fromEnv = JSON.parse(
      (await run(['--config', files.path('/config.json')], { ASR_READY_FAIL_ON: 'never', ASR_READY_DEADLINE: '45' })).stdout,
    ) as Report;
    expect(fromEnv.run).toMatchObject({ failOn: 'never', deadlineSeconds: 45 });
    const fromFlag = JSON.parse((await run(['--config', files.path('/config.json'), '--fail-on', 'fail'], { ASR_READY_FAIL_ON: 'never' })).stdout) as Report;
    expect(fromFlag.run.failOn).toBe('fail');
    const lists = JSON.parse((await run(['--config', files.path('/config.json')], { ASR_READY_CHECKS: 'trust.azure-roots' })).stdout) as Report;
    expect(lists.run.checks).toEqual(['trust.azure-roots']);
  });

  it('lets the --json flag beat an output from the file', async () => {
    files.write('/compact.json', JSON.stringify({ output: 'compact', checks: ['trust.'], trustStore: [DEBIAN_BUNDLE] }));
    const compact = await run(['--config', files.path('/compact.json')]);
    expect(compact.stdout.trimEnd().split('\n').at(-1)).toMatch(/^VERDICT: READY/);
    const json = await run(['--config', files.path('/compact.json'), '--json']);
    expect((JSON.parse(json.stdout) as Report).run.configFile).toBe(files.path('/compact.json'));
  });

  it.each([
    [
      '/unknown-key.json',
      /config .*unknown-key\.json: unknown key "reportToken" \(secrets are never kept in the config: use reportTokenFile, clientSecretFile or ASR_READY_CLIENT_SECRET\); known keys are /,
    ],
    ['/wrong-type.json', /config .*wrong-type\.json: "deadline" must be a single value, not a list/],
    ['/bad.json', /config .*bad\.json is not valid JSON/],
    ['/missing.json', /--config .*missing\.json: no such file/],
  ])('rejects %s with exit 2 naming the key or the file', async (name, message) => {
    const result = await run(['--config', files.path(name)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('rejects a malformed boolean in the environment', async () => {
    const result = await run(['--version', '--checks', 'trust.'], { ASR_READY_NO_PROXY: 'maybe' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment variable ASR_READY_NO_PROXY must be true or false, not "maybe"');
  });
});
