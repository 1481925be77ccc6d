import { describe, expect, it } from 'vitest';
import { evaluateSkew } from '../../src/checks/time-skew';
import { facts, result } from './helpers/endpoint-results';

describe('time.skew', () => {
  const at = (skewSeconds: number, host = 'login.microsoftonline.com') =>
    result(host, {
      http: {
        ok: true,
        ms: 1,
        status: 200,
        code: null,
        error: null,
        receivedAt: '2026-11-27T12:00:00.000Z',
        date: new Date(Date.parse('2026-11-27T12:00:00Z') - skewSeconds * 1000).toUTCString(),
      },
    });
  it.each([
    [0, 'pass'],
    [120, 'pass'],
    [121, 'warn'],
    [300, 'warn'],
    [301, 'fail'],
    [-301, 'fail'],
  ])('%i s is %s', (skew, status) => {
    expect(evaluateSkew(facts([at(skew)])).status).toBe(status);
  });
  it("prefers Entra ID's clock to other servers", () => {
    const outcome = evaluateSkew(facts([at(600, 'pod.example'), at(10)]));
    expect(outcome).toMatchObject({ status: 'pass', evidence: { judgedBy: 'login.microsoftonline.com', skewSeconds: 10 } });
  });
});
