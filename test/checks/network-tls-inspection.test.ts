import { describe, expect, it } from 'vitest';
import { evaluateTlsInspection } from '../../src/checks/network-tls-inspection';
import { AZURE_ROOTS } from '../../src/catalog/azure-roots';
import { facts, result } from './helpers/endpoint-results';

describe('network.tls-inspection', () => {
  it('passes chains anchored to Azure roots', () => {
    const g2 = AZURE_ROOTS.roots[0]!;
    const tls = {
      ok: true,
      ms: 1,
      servername: 'x',
      version: 'TLSv1.3',
      cipher: null,
      verified: true,
      verifyError: null,
      hostnameError: null,
      chain: [],
      trustAnchor: { subject: 'CN=DigiCert Global Root G2', sha256: g2.sha256 },
      trustSource: 'os' as const,
      code: null,
      error: null,
    };
    expect(evaluateTlsInspection(facts([result('login.microsoftonline.com', { tls })]), AZURE_ROOTS)[0]).toMatchObject({ status: 'pass' });
  });

  const anchoredTo = (sha256: string) => ({
    ok: true,
    ms: 1,
    servername: 'x',
    version: 'TLSv1.3',
    cipher: null,
    verified: true,
    verifyError: null,
    hostnameError: null,
    chain: [],
    trustAnchor: { subject: 'CN=Contoso Inspection CA', sha256 },
    trustSource: 'os' as const,
    code: null,
    error: null,
  });

  it('warns, naming the anchor and the proxy, for a chain anchored outside the roots of the catalog it is given', () => {
    const inspected = facts([result('login.microsoftonline.com', { tls: anchoredTo('ab'.repeat(32)), viaProxy: 'http://proxy.contoso:3128' })]);
    const [outcome] = evaluateTlsInspection(inspected, AZURE_ROOTS);
    expect(outcome).toMatchObject({ subject: 'login.microsoftonline.com:443', status: 'warn', asrErrorCodes: [151066] });
    expect(outcome!.summary).toContain(
      'chains to "CN=Contoso Inspection CA", not to an Azure root: a proxy or firewall (the proxy is http://proxy.contoso:3128) inspects this traffic',
    );
    const catalog = { ...AZURE_ROOTS, roots: [...AZURE_ROOTS.roots, { ...AZURE_ROOTS.roots[0]!, sha256: 'ab'.repeat(32) }] };
    expect(evaluateTlsInspection(inspected, catalog)[0]).toMatchObject({ status: 'pass' });
  });

  it('skips when no TLS connection to an Azure endpoint completed', () => {
    expect(evaluateTlsInspection(facts([result('login.microsoftonline.com', { status: 'failed', failedLayer: 'tcp' })]), AZURE_ROOTS)).toEqual([
      expect.objectContaining({ status: 'skip' }),
    ]);
  });
});
