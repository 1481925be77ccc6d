// The one HTTP client configuration: an undici Agent whose connections are opened by our layered
// connector (the guest's proxy, the guest's trust store, --connect-to). Probes get a trace per
// connection; report uploads use the same factory without looking at the trace.
import { Agent } from 'undici';
import { openConnection, type ConnectorOptions } from './connector';
import { newTrace, type ConnectionTrace } from './trace';

export function createDispatcher(options: ConnectorOptions, onTrace?: (trace: ConnectionTrace) => void, signal?: AbortSignal): Agent {
  return new Agent({
    headersTimeout: options.timeouts.httpMs,
    bodyTimeout: options.timeouts.httpMs,
    connect: (opts, callback) => {
      const trace = newTrace();
      onTrace?.(trace);
      const tlsWanted = opts.protocol === 'https:';
      const port = Number(opts.port) || (tlsWanted ? 443 : 80);
      openConnection({ host: opts.hostname.replace(/^\[|\]$/g, ''), port, tls: tlsWanted }, options, trace, signal).then(
        (socket) => callback(null, socket),
        (err: Error) => callback(err, null),
      );
    },
  });
}
