// The plain-words table of facts: every fact a Facts can gather (every method that is not its
// private memo) has a description with its sources, every check's needs are described, and the
// table names no fact that does not exist. Every check declares how it judges and what it follows.
import { describe, expect, it } from 'vitest';
import { Facts } from '../../../src/facts/facts';
import { ALL_CHECKS } from '../../../src/checks/registry';
import { FACT_DESCRIPTIONS } from '../../../src/checks/helpers/fact-descriptions';
import { EXPLAINED_CATALOGS } from '../../../src/cli/checks-command';

/** Methods of Facts that gather nothing themselves. */
const NOT_FACTS = new Set(['constructor', 'memo']);
const FACT_METHODS = Object.getOwnPropertyNames(Facts.prototype).filter((name) => !NOT_FACTS.has(name));

describe('fact descriptions', () => {
  it('finds the fact methods of Facts', () => {
    expect(FACT_METHODS).toEqual(expect.arrayContaining(['host', 'trustStore', 'linuxGuest', 'endpointProbes', 'controlPlane']));
  });

  it.each(FACT_METHODS)('%s has a description and its sources', (name) => {
    const description = (FACT_DESCRIPTIONS as Record<string, { what: string; sources: string }>)[name];
    expect(description, name).toBeDefined();
    expect(description!.what.length).toBeGreaterThan(5);
    expect(description!.sources.length).toBeGreaterThan(5);
  });

  it('describes no fact Facts does not gather', () => {
    expect(Object.keys(FACT_DESCRIPTIONS).sort()).toEqual([...FACT_METHODS].sort());
  });

  it('describes every need of every check', () => {
    for (const check of ALL_CHECKS) for (const need of check.needs) expect(Object.keys(FACT_DESCRIPTIONS), `${check.id} needs ${need}`).toContain(need);
  });

  it('says where the trust store comes from, on Linux and on Windows', () => {
    expect(FACT_DESCRIPTIONS.trustStore.what).toBe('the OS trust store');
    expect(FACT_DESCRIPTIONS.trustStore.sources).toContain('/etc/ssl/certs/ca-certificates.crt');
    expect(FACT_DESCRIPTIONS.trustStore.sources).toContain('registry certificate stores');
  });
});

describe('check explanations', () => {
  it.each(ALL_CHECKS.map((c) => [c.id, c] as const))('%s says how it judges, what it follows, and names only known catalogs', (_id, check) => {
    expect(check.explain).toBeDefined();
    expect(check.explain!.judges.length).toBeGreaterThan(20);
    expect(check.explain!.sources.length).toBeGreaterThan(0);
    for (const source of check.explain!.sources) expect(source.length).toBeGreaterThan(5);
    for (const name of check.explain!.catalogs ?? []) expect(Object.keys(EXPLAINED_CATALOGS)).toContain(name);
    for (const code of check.explain!.asrErrorCodes ?? []) expect(code).toBeGreaterThanOrEqual(150000);
  });

  it("takes the reference rows from the checks' own constants", async () => {
    const { FIPS_REFERENCE, osFips } = await import('../../../src/checks/os-fips');
    expect(osFips.explain!.sources).toEqual(Object.values(FIPS_REFERENCE));
    const { ASR_TRUST_ERROR, trustAzureRoots } = await import('../../../src/checks/trust-azure-roots');
    expect(trustAzureRoots.explain!.asrErrorCodes).toEqual([ASR_TRUST_ERROR]);
  });
});
