// The agent's second bundle (dist/asr-ready-app.cjs): everything a run needs. main.ts loads it only
// after answering --version, through load-app.ts. The imports stay dynamic so that esbuild keeps each
// module's top-level code lazy: --help does not start undici, pino or node-forge.
import { UsageError } from '../core/errors';
import type { runCli as RunCli } from './run';

/** Whether err is a usage error of this bundle (main.ts holds another copy of the class). */
export const isUsageError = (err: unknown): boolean => err instanceof UsageError;

export async function runCli(...args: Parameters<typeof RunCli>): ReturnType<typeof RunCli> {
  return (await import('./run')).runCli(...args);
}

export async function helpText(version: string): Promise<string> {
  return (await import('./help')).helpText(version);
}
