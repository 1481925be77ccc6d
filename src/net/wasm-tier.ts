// Node 20's V8 compiles undici's WASM HTTP parser (llhttp) with TurboFan as soon as it first runs,
// and that compile of one huge function peaks at ~35 MB: most of a network run's memory. Liftoff
// (V8's baseline WASM compiler) parses a few response headers just as well. Node 22 (the binaries)
// tiers up lazily and does not need it. Set just before the first undici connection, not at start:
// any V8 flag change costs ~50 ms to what starts afterwards (the watchdog's worker among them), which
// a run without network checks should not pay.
import { setFlagsFromString } from 'node:v8';

let done = false;

export function useBaselineWasmCompiler(): void {
  if (done) return;
  done = true;
  if (process.versions.node.startsWith('20.')) setFlagsFromString('--liftoff-only');
}
