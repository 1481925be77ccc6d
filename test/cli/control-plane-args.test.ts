// The control-plane options: --target-region, --arm-endpoint and --arm-ca-file, from flags, the
// environment and the config file; each mistake a UsageError naming the option.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';
import { UsageError } from '../../src/core/errors';
import { helpText } from '../../src/cli/help';
import { FakeGuest } from '../helpers/fake-guest';
import { makePki } from '../helpers/servers';

let files: FakeGuest;
let caPem: string;
beforeAll(() => {
  caPem = makePki('asr-ready arm-ca-file test CA').root.certPem;
  files = new FakeGuest('asr-ready-cp-args-')
    .write('/ca.pem', caPem)
    .write('/two.pem', `${caPem}\n${caPem}`)
    .write('/empty.pem', 'no certificate here\n')
    .write('/bad.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')
    .write('/config.json', JSON.stringify({ targetRegion: 'North Europe', armEndpoint: 'https://127.0.0.1:9443' }));
});
afterAll(() => files.remove());

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCliArgs(argv, env, 'linux');
const usage = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    parse(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};
const LOOPBACK_ONLY = { ASR_READY_LOOPBACK_ONLY: '1' };

describe('--target-region', () => {
  it('is normalised like the region catalog (display names accepted)', () => {
    expect(parse(['--target-region', 'West US 2']).targetRegion).toBe('westus2');
    expect(parse(['--target-region', 'eastus']).targetRegion).toBe('eastus');
    expect(parse([]).targetRegion).toBeNull();
  });

  it('refuses what is not a region name, naming the option', () => {
    expect(usage(['--target-region', 'west-us'])).toMatch(/^--target-region "west-us" is not an Azure region name/);
    expect(usage(['--target-region', 'x'.repeat(200)])).toMatch(/^--target-region /);
    expect(usage(['--target-region', ''])).toMatch(/--target-region is empty/);
    expect(usage(['--target-region', 'a', '--target-region', 'b'])).toMatch(/--target-region is given more than once/);
  });

  it('comes from ASR_READY_TARGET_REGION and the config key targetRegion too', () => {
    expect(parse([], { ASR_READY_TARGET_REGION: 'UK South' }).targetRegion).toBe('uksouth');
    const fromFile = parse(['--config', files.path('/config.json')]);
    expect(fromFile).toMatchObject({ targetRegion: 'northeurope', armEndpoint: 'https://127.0.0.1:9443/' });
    expect(parse(['--config', files.path('/config.json'), '--target-region', 'westeurope']).targetRegion).toBe('westeurope');
  });
});

describe('--arm-endpoint', () => {
  it('takes an https:// URL and keeps its origin and path', () => {
    expect(parse(['--arm-endpoint', 'https://management.azure.com']).armEndpoint).toBe('https://management.azure.com/');
    expect(parse(['--arm-endpoint', 'https://arm.lab.example:8443/prefix/']).armEndpoint).toBe('https://arm.lab.example:8443/prefix/');
    expect(parse([]).armEndpoint).toBeNull();
  });

  it('refuses other schemes, credentials, queries and non-URLs', () => {
    expect(usage(['--arm-endpoint', 'http://127.0.0.1:8080'])).toMatch(/^--arm-endpoint .* must be an https:\/\/ URL/);
    expect(usage(['--arm-endpoint', 'https://user:pw@arm.example'])).toMatch(/^--arm-endpoint must not carry credentials/);
    expect(usage(['--arm-endpoint', 'https://arm.example/?x=1'])).toMatch(/^--arm-endpoint .* must not have a query/);
    expect(usage(['--arm-endpoint', 'management.azure.com'])).toMatch(/^--arm-endpoint "management.azure.com" is not a URL/);
  });

  it('under ASR_READY_LOOPBACK_ONLY accepts only what is dialled on loopback', () => {
    expect(usage(['--arm-endpoint', 'https://management.azure.com'], LOOPBACK_ONLY)).toMatch(
      /^--arm-endpoint .* is not on loopback and ASR_READY_LOOPBACK_ONLY is set/,
    );
    expect(usage(['--arm-endpoint', 'https://10.0.0.1'], LOOPBACK_ONLY)).toMatch(/not on loopback/);
    expect(parse(['--arm-endpoint', 'https://127.0.0.1:8443'], LOOPBACK_ONLY).armEndpoint).toBe('https://127.0.0.1:8443/');
    expect(parse(['--arm-endpoint', 'https://[::1]:8443'], LOOPBACK_ONLY).armEndpoint).toBe('https://[::1]:8443/');
    expect(parse(['--arm-endpoint', 'https://localhost:8443'], LOOPBACK_ONLY).armEndpoint).toBe('https://localhost:8443/');
    const routed = parse(['--arm-endpoint', 'https://management.azure.com', '--connect-to', 'management.azure.com:443:127.0.0.1:9443'], LOOPBACK_ONLY);
    expect(routed.armEndpoint).toBe('https://management.azure.com/');
    expect(usage(['--arm-endpoint', 'https://management.azure.com', '--connect-to', 'management.azure.com:443:10.1.1.1:9443'], LOOPBACK_ONLY)).toMatch(
      /not on loopback/,
    );
  });
});

describe('--arm-ca-file', () => {
  it('reads every PEM certificate of each file', () => {
    const options = parse(['--arm-endpoint', 'https://127.0.0.1:9443', '--arm-ca-file', files.path('/ca.pem'), '--arm-ca-file', files.path('/two.pem')]);
    expect(options.armCa).toHaveLength(3);
    expect(options.armCa[0]).toBe(caPem.trim());
    expect(parse([]).armCa).toEqual([]);
  });

  it('needs --arm-endpoint: the real ARM is trusted through the guest’s store only', () => {
    expect(usage(['--arm-ca-file', files.path('/ca.pem')])).toMatch(/^--arm-ca-file needs --arm-endpoint/);
  });

  it('refuses a missing file, a file without certificates and one that does not parse, naming the option', () => {
    const withEndpoint = (file: string) => ['--arm-endpoint', 'https://127.0.0.1:9443', '--arm-ca-file', file];
    expect(usage(withEndpoint(files.path('/missing.pem')))).toMatch(/^--arm-ca-file .*missing\.pem.* no such file/);
    expect(usage(withEndpoint(files.path('/empty.pem')))).toMatch(/^--arm-ca-file .* holds no PEM certificate/);
    expect(usage(withEndpoint(files.path('/bad.pem')))).toMatch(/^--arm-ca-file .* holds a certificate that does not parse/);
  });
});

describe('help', () => {
  it('documents the control-plane options', () => {
    const text = helpText('0.0.0');
    for (const option of ['--target-region NAME', '--arm-endpoint URL', '--arm-ca-file FILE']) expect(text).toContain(option);
  });
});
