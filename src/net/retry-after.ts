// How long a server asks a client to wait before trying again: ARM, Logs Ingestion and collectors
// answer 429/503 with one of these headers (the names the Azure SDK reads, in its order).

/** retry-after-ms, x-ms-retry-after-ms, then Retry-After in seconds or as an HTTP date; undefined when none (or unparseable). */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const first = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const raw = first(name);
    const v = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const raw = first('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
