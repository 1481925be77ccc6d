// The registry: which checks use the endpoint probes (from what they declare), and the stand-ins
// --root puts in place of checks of this machine.
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, readsAzureResources, scopeToImage, usesEndpointProbes } from '../../src/checks/registry';
import { contextFor, type FactsApi } from '../../src/checks/helpers/check-context';
import { Facts } from '../../src/facts/facts';
import type { NetworkOptions } from '../../src/facts/network';
import { CATALOGS } from './helpers/context';

describe('registry', () => {
  it('the checks that declare the endpoint probes are the network checks (not network.routes) and time.skew', () => {
    expect(ALL_CHECKS.filter(usesEndpointProbes).map((c) => c.id)).toEqual([
      'network.proxy',
      'network.endpoints',
      'network.nsg-rules',
      'network.tls-inspection',
      'time.skew',
    ]);
  });

  it('the checks judged from ARM follow azure.metadata, each of this machine, on Linux and Windows', () => {
    const arm = ALL_CHECKS.filter(readsAzureResources);
    expect(arm.map((c) => c.id)).toEqual([
      'azure.target-region',
      'azure.vault',
      'azure.target-capacity',
      'azure.cache-storage',
      'azure.eligibility',
      'network.nsg-rules',
      'network.routes',
    ]);
    const ids = ALL_CHECKS.map((c) => c.id);
    for (const check of arm) {
      expect(ids.indexOf(check.id), check.id).toBeGreaterThan(ids.indexOf('azure.metadata'));
      expect(check, check.id).toMatchObject({ scope: 'this-machine', platforms: ['linux', 'windows'] });
    }
  });

  it('every check declares only facts that Facts gathers', () => {
    const facts = new Facts({
      root: '/nonexistent',
      platform: 'linux',
      trustStorePaths: [],
      env: {},
      deadline: new AbortController().signal,
      deadlineAt: Date.now() + 60_000,
      proxy: { cliProxy: null, cliNoProxy: false },
      imdsEndpoint: null,
      network: { loopbackOnly: true } as NetworkOptions,
    });
    for (const check of ALL_CHECKS)
      expect(() => contextFor(check, facts as FactsApi, CATALOGS, new AbortController().signal, new Date()), check.id).not.toThrow();
  });

  it('under --root a check of this machine becomes a stand-in that needs no fact and starts no probe, unless --checks names it', async () => {
    const [standIn] = scopeToImage(
      ALL_CHECKS.filter((c) => c.id === 'network.endpoints'),
      [],
    );
    expect(standIn).toMatchObject({ id: 'network.endpoints', scope: 'guest-files', needs: [] });
    expect(usesEndpointProbes(standIn!)).toBe(false);
    const [outcome] = await standIn!.run(contextFor(standIn!, {} as FactsApi, CATALOGS, new AbortController().signal, new Date()));
    expect(outcome).toMatchObject({ status: 'skip', summary: expect.stringContaining("add --checks network.endpoints to include this machine's view") });
    const [named] = scopeToImage(
      ALL_CHECKS.filter((c) => c.id === 'network.endpoints'),
      ['network'],
    );
    expect(usesEndpointProbes(named!)).toBe(true);
  });

  it("under --root a check of this machine's Azure resources is a stand-in too, that offers this machine's view", async () => {
    const [standIn] = scopeToImage(
      ALL_CHECKS.filter((c) => c.id === 'azure.vault'),
      [],
    );
    expect(standIn).toMatchObject({ id: 'azure.vault', needs: [] });
    const [outcome] = await standIn!.run(contextFor(standIn!, {} as FactsApi, CATALOGS, new AbortController().signal, new Date()));
    expect(outcome).toMatchObject({
      status: 'skip',
      summary: expect.stringContaining('(its network path, clock, metadata service, Azure resources or disk activity)'),
    });
    expect(outcome!.summary).toContain("add --checks azure.vault to include this machine's view");
  });
});
