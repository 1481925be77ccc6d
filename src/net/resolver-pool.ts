// The size of libuv's thread pool, which name lookups (getaddrinfo) share with file reads. Kept
// apart from dns-lookup.ts so the entry point can size the pool without loading node:dns.

/** Pool threads left for file reads and crypto while lookups run (fewer when the pool is small). */
export const POOL_THREADS_KEPT = 4;
/** Pool size asked for when the environment does not set one: room for the catalog's lookups at once. */
export const DEFAULT_POOL_THREADS = 64;
/** libuv's own cap on UV_THREADPOOL_SIZE. */
export const MAX_POOL_THREADS = 1024;

/**
 * Sizes libuv's thread pool for the probes about to run. Must run before anything uses the pool
 * (libuv reads UV_THREADPOOL_SIZE once, when the pool starts): the entry point calls it first.
 * A size the environment already sets is kept. `extraEndpoints` is the number of --endpoint hosts.
 */
export function sizeResolverPool(env: NodeJS.ProcessEnv, extraEndpoints: number): void {
  if (env.UV_THREADPOOL_SIZE) return;
  env.UV_THREADPOOL_SIZE = String(Math.min(MAX_POOL_THREADS, Math.max(DEFAULT_POOL_THREADS, POOL_THREADS_KEPT + 32 + extraEndpoints)));
}

/** How many lookups may run at once in this process: the pool size libuv started with, less the threads kept. */
export function lookupSlots(env: NodeJS.ProcessEnv = process.env): number {
  const pool = Math.min(MAX_POOL_THREADS, Math.max(1, Math.floor(Number(env.UV_THREADPOOL_SIZE)) || 4));
  return Math.max(1, pool - Math.min(POOL_THREADS_KEPT, Math.floor(pool / 4)));
}
