// A check's context holds only the facts it declared in `needs`: reading another does not compile,
// and at run time fails loudly, naming the check and the fact.
import { describe, expect, it } from 'vitest';
import { contextFor, defineCheck, type FactsApi } from '../../../src/checks/helpers/check-context';
import { osFips } from '../../../src/checks/os-fips';
import { runChecks } from '../../../src/core/engine';
import { Facts } from '../../../src/facts/facts';
import type { NetworkOptions } from '../../../src/facts/network';
import { CATALOGS } from './context';

const undeclared = defineCheck({
  id: 'test.undeclared',
  title: 'Reads a fact it did not declare',
  description: '',
  platforms: ['linux'],
  timeoutMs: 1_000,
  needs: ['trustStore'],
  async run(ctx) {
    await ctx.facts.trustStore();
    // @ts-expect-error host() is not in needs, so the context has no host
    await ctx.facts.host();
    return [{ status: 'pass', summary: 'unreachable' }];
  },
});

/** Facts whose methods record that they ran on this object. */
class RecordingFacts {
  readonly calls: string[] = [];
  async trustStore() {
    this.calls.push('trustStore');
    return { platform: 'linux' };
  }
  async host() {
    this.calls.push('host');
    return { os: 'linux' };
  }
}

const signal = new AbortController().signal;
const now = new Date('2026-11-27T12:00:00Z');
const contextOf = (check: Parameters<typeof contextFor>[0], facts: object) => contextFor(check, facts as unknown as FactsApi, CATALOGS, signal, now);

describe('check context', () => {
  it('is a plain object of the declared fact methods, bound to the facts, with the catalogs, signal and time given', async () => {
    const facts = new RecordingFacts();
    const ctx = contextOf(undeclared, facts);
    expect(Object.keys(ctx.facts)).toEqual(['trustStore']);
    expect(Object.isFrozen(ctx.facts)).toBe(true);
    await ctx.facts.trustStore();
    expect(facts.calls).toEqual(['trustStore']);
    expect(ctx).toMatchObject({ catalog: CATALOGS, signal, now });
  });

  it('throws, naming the check and the fact, when a check reads a fact it did not declare', () => {
    const ctx = contextOf(undeclared, new RecordingFacts());
    expect(() => (ctx.facts as unknown as Record<string, unknown>).host).toThrow('check test.undeclared read the fact host() without declaring it in needs');
  });

  it('does the same over a real Facts: os.fips gets fips() and nothing else', () => {
    const facts = new Facts({
      root: '/nonexistent',
      platform: 'linux',
      trustStorePaths: [],
      env: {},
      deadline: signal,
      deadlineAt: Date.now() + 60_000,
      proxy: { cliProxy: null, cliNoProxy: false },
      imdsEndpoint: null,
      network: { loopbackOnly: true } as NetworkOptions,
    });
    const ctx = contextOf(osFips, facts);
    expect(Object.keys(ctx.facts)).toEqual(['fips']);
    for (const name of ['host', 'linuxGuest', 'endpointProbes', 'resources']) {
      expect(() => (ctx.facts as unknown as Record<string, unknown>)[name], name).toThrow(
        `check os.fips read the fact ${name}() without declaring it in needs`,
      );
    }
  });

  it('refuses to build a context for a need the facts do not provide', () => {
    expect(() => contextOf({ id: 'test.typo', needs: ['hots'] }, new RecordingFacts())).toThrow('check test.typo needs the fact hots, which is not one');
  });

  it('makes the engine report a check that reads an undeclared fact as an error, not a verdict', async () => {
    const facts = new RecordingFacts();
    const findings = await runChecks([undeclared], (check, s) => contextFor(check, facts as unknown as FactsApi, CATALOGS, s, now), {
      deadline: AbortSignal.timeout(5_000),
      concurrency: 1,
    });
    expect(findings).toEqual([expect.objectContaining({ checkId: 'test.undeclared', status: 'error', evidence: { errorKind: 'exception' } })]);
    expect(findings[0]!.summary).toContain('read the fact host() without declaring it in needs');
    expect(facts.calls).toEqual(['trustStore']);
  });
});
