// Facts are gathered once per run, on first use, each within its own time bound and the run
// deadline. Checks ask for facts; tests can build a Facts over a fake --root.
import type { Logger } from 'pino';
import type { Platform } from '../core/check';
import { withTimeout } from '../core/time-bound';
import { readHostFacts, type HostFacts } from './host';
import type { TrustStoreFacts } from './trust-store';
import { readLinuxTrustStore } from './linux/read-linux-trust-store';
import { readWindowsTrustStore } from './windows/read-windows-trust-store';

export interface FactsOptions {
  root: string;
  platform: Platform;
  trustStorePaths: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Aborts when the run's deadline passes. */
  deadline: AbortSignal;
  logger?: Logger;
}

export class Facts {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly options: FactsOptions) {}

  host(): Promise<HostFacts> {
    return this.memo('host', 5_000, () => readHostFacts(this.options.root, this.options.platform));
  }

  trustStore(): Promise<TrustStoreFacts> {
    return this.memo('trust store', 30_000, async (signal) => {
      if (this.options.platform === 'windows') return readWindowsTrustStore(signal);
      const host = await this.host();
      return readLinuxTrustStore({
        root: this.options.root,
        family: host.family,
        overridePaths: this.options.trustStorePaths,
        env: this.options.env,
        signal,
      });
    });
  }

  private memo<T>(name: string, ms: number, gather: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let pending = this.cache.get(name) as Promise<T> | undefined;
    if (!pending) {
      const started = performance.now();
      pending = withTimeout(`gathering the ${name} facts`, ms, gather, this.options.deadline);
      pending.then(
        () => this.options.logger?.debug({ fact: name, ms: Math.round(performance.now() - started) }, 'fact gathered'),
        (err: unknown) => this.options.logger?.debug({ fact: name, err: String(err) }, 'fact failed'),
      );
      this.cache.set(name, pending);
    }
    return pending;
  }
}
