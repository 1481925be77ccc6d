// The one HTTP client configuration: an undici Agent whose connections are opened by our layered
// connector (the guest's proxy, the guest's trust store, --connect-to). Probes get a trace per
// connection; report uploads use the same factory without looking at the trace.
import { Agent, type Dispatcher } from 'undici';
import { openConnection, type ConnectorOptions } from './connector';
import { LayerError } from './layers';
import { newTrace, type ConnectionTrace } from './trace';
import { useBaselineWasmCompiler } from './wasm-tier';
import { unbracketIpv6 } from './address-scope';

export function createDispatcher(options: ConnectorOptions, onTrace?: (trace: ConnectionTrace) => void, signal?: AbortSignal): Agent {
  useBaselineWasmCompiler();
  return new Agent({
    headersTimeout: options.timeouts.httpMs,
    bodyTimeout: options.timeouts.httpMs,
    connect: (opts, callback) => {
      const trace = newTrace();
      onTrace?.(trace);
      const tlsWanted = opts.protocol === 'https:';
      const port = Number(opts.port) || (tlsWanted ? 443 : 80);
      openConnection({ host: unbracketIpv6(opts.hostname), port, tls: tlsWanted }, options, trace, signal).then(
        (socket) => callback(null, socket),
        (err: Error) => callback(finalError(err), null),
      );
    },
  });
}

/**
 * undici takes a connect failure coded UND_ERR_SOCKET or UND_ERR_INFO for a recoverable socket error
 * and dials again at once, for ever: a proxy that closes the connection instead of answering CONNECT
 * spun a probe (and the CPU, and the proxy) until the run deadline. Our connector's failure is final
 * for the request, so it reaches undici under a code undici does not retry.
 */
function finalError(err: Error): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR_INFO') return err;
  return err instanceof LayerError ? new LayerError(err.layer, err.message, 'ECONNCLOSED') : Object.assign(new Error(err.message), { code: 'ECONNCLOSED' });
}

/**
 * Closes a dispatcher politely (requests under way finish) for at most boundMs, then destroys it.
 * A stopped run (stop aborted) does not wait for connections to close politely.
 */
export async function closeWithin(dispatcher: Dispatcher, boundMs: number, stop?: AbortSignal): Promise<void> {
  if (stop?.aborted) return dispatcher.destroy().catch(() => {});
  const polite = dispatcher.close().catch(() => {});
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), boundMs).unref());
  if ((await Promise.race([polite, timer])) === 'late') await dispatcher.destroy().catch(() => {});
}
