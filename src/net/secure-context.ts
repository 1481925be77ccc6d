// One TLS secure context per trust store. Building a context parses every root into an X509 store
// (~150 roots: 20–50 ms of main-thread CPU), so building one per connection cost more than the
// handshakes themselves and stalled the other probes' timings. Probes and report uploads verify
// against the same roots, so they share the same context: keyed by the roots' content, not by
// which caller asked.
import { createHash } from 'node:crypto';
import tls from 'node:tls';

/** Distinct trust stores kept (a run has one or two: the guest's, and the guest's plus --report-ca). */
const MAX_CONTEXTS = 4;

const byContent = new Map<string, tls.SecureContext>();
const byArray = new WeakMap<readonly string[], tls.SecureContext>();
let defaultContext: tls.SecureContext | null = null;
let built = 0;

/** How many contexts were built in this process (tests: one per trust store, not one per connection). */
export function secureContextsBuilt(): number {
  return built;
}

function build(ca: string[] | null): tls.SecureContext {
  built++;
  // TLS 1.2 or later: a context carries the protocol bounds, so every connection through it keeps them.
  return tls.createSecureContext({ ...(ca ? { ca } : {}), minVersion: 'TLSv1.2' });
}

/** The secure context verifying against `ca` (PEM roots), or against Node's bundled roots when null. */
export function secureContextFor(ca: readonly string[] | null): tls.SecureContext {
  if (ca === null) return (defaultContext ??= build(null));
  const known = byArray.get(ca);
  if (known) return known;
  const hash = createHash('sha256');
  for (const pem of ca) hash.update(pem).update('\0');
  const key = hash.digest('hex');
  let context = byContent.get(key);
  if (!context) {
    context = build([...ca]);
    if (byContent.size >= MAX_CONTEXTS) byContent.delete(byContent.keys().next().value!);
    byContent.set(key, context);
  }
  byArray.set(ca, context);
  return context;
}
