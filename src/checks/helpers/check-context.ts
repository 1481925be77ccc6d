// What a check is given: the facts it declared in `needs` and no others, the catalogs, its signal
// and the time of the run. Checks read facts through this only, so they import facts as types.
import type { Check } from '../../core/check';
import type { Facts } from '../../facts/facts';
import type { RootCatalog } from '../../catalog/azure-roots';
import type { SupportMatrix } from '../../catalog/support-matrix';
import type { EndpointCatalog } from '../../catalog/azure-endpoints';
import type { VmSizeCatalog } from '../../catalog/vm-sizes';

/** The name of each fact: a method of Facts that gathers one. */
export type FactName = { [K in keyof Facts]: Facts[K] extends () => Promise<unknown> ? K : never }[keyof Facts];
/** The fact methods by name: a Facts, or a stand-in in tests. */
export type FactsApi = Pick<Facts, FactName>;

/** The reference data checks judge against, passed in so tests can give their own. */
export interface Catalogs {
  azureRoots: RootCatalog;
  supportMatrix: SupportMatrix;
  endpoints: EndpointCatalog;
  vmSizes: VmSizeCatalog;
}

export interface CheckContext<N extends FactName = FactName> {
  /** Only the facts the check declared in `needs`. */
  facts: Pick<FactsApi, N>;
  catalog: Catalogs;
  /** Aborted when the check's own time bound or the run deadline passes. */
  signal: AbortSignal;
  now: Date;
}

/** A check as the registry lists it. */
export type GuestCheck = Check<CheckContext>;

/** A check whose run() may read only the facts its `needs` names: reading another is a compile error. */
export function defineCheck<const N extends FactName>(check: Omit<Check<CheckContext<N>>, 'needs'> & { needs: readonly N[] }): GuestCheck {
  return check;
}

/** The context for one run of `check`: its facts are a plain object of the declared methods only. */
export function contextFor(check: Pick<GuestCheck, 'id' | 'needs'>, facts: FactsApi, catalog: Catalogs, signal: AbortSignal, now: Date): CheckContext {
  return { facts: factsFor(check, facts), catalog, signal, now };
}

function factsFor(check: Pick<GuestCheck, 'id' | 'needs'>, facts: FactsApi): FactsApi {
  const given: Record<string, unknown> = {};
  for (const name of check.needs) {
    const gather: unknown = (facts as unknown as Record<string, unknown>)[name];
    if (typeof gather !== 'function') throw new Error(`check ${check.id} needs the fact ${name}, which is not one`);
    given[name] = gather.bind(facts);
  }
  // Reading an undeclared fact throws, naming it, rather than failing later as "not a function".
  for (const name of methodNames(facts)) {
    if (name in given) continue;
    Object.defineProperty(given, name, {
      get: () => {
        throw new Error(`check ${check.id} read the fact ${name}() without declaring it in needs`);
      },
    });
  }
  return Object.freeze(given) as unknown as FactsApi;
}

/** The methods of an object, its own and inherited (not Object's). */
function methodNames(target: object): Set<string> {
  const names = new Set<string>();
  for (let o: object | null = target; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(o, name)?.value === 'function') names.add(name);
    }
  }
  return names;
}
