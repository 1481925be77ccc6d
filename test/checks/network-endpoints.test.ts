import { describe, expect, it } from 'vitest';
import { evaluateEndpoints } from '../../src/checks/network-endpoints';
import { facts, result } from './helpers/endpoint-results';

describe('network.endpoints', () => {
  it('says so when no endpoint resolves at all', () => {
    const dnsFail = (host: string) => result(host, { status: 'failed', failedLayer: 'dns', error: `${host} does not resolve` });
    const outcomes = evaluateEndpoints(facts([dnsFail('login.microsoftonline.com'), dnsFail('ocsp.digicert.com')]), 'linux');
    expect(outcomes[0]!.summary).toContain("No endpoint resolved at all: the guest's DNS is not working");
    expect(outcomes[0]!.asrErrorCodes).toEqual([151195, 151196]);
  });
});

describe('network.endpoints: one finding per endpoint', () => {
  it('passes an endpoint reached directly, and fails a required one blocked at TCP with the allow rule', () => {
    const blocked = result('pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com', {
      status: 'failed',
      failedLayer: 'tcp',
      error: 'connect ETIMEDOUT',
      tcp: { address: '10.0.0.5', port: 443, ok: false, ms: 1, outcome: 'timeout', code: 'ETIMEDOUT', error: 'connect ETIMEDOUT' },
    });
    const [ok, failed] = evaluateEndpoints(
      facts([result('login.microsoftonline.com', { http: { ok: true, ms: 1, status: 200, code: null, error: null, receivedAt: null, date: null } }), blocked]),
      'linux',
    );
    expect(ok).toMatchObject({ subject: 'login.microsoftonline.com:443', status: 'pass' });
    expect(failed).toMatchObject({ subject: 'pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com:443', status: 'fail' });
    expect(failed!.summary).toContain('is dropped (no answer)');
    expect(failed!.remediation).toContain('1. Allow outbound TCP 443 from this VM to pod01-rcm1.eus.hypervrecoverymanager.windowsazure.com');
  });
});
