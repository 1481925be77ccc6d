// Logs go to stderr through pino (synchronous destination: worker-thread transports do not work
// inside a bundle), with secrets redacted by path, and every line scrubbed of the secrets the agent
// knows (src/core/redact.ts), so stdout stays the report alone and no log line carries a password.
// Below the CLI, code logs through EventLog (src/core/log.ts), which this logger satisfies.
import pino, { type Logger } from 'pino';
import type { LogLevel } from './args';
import { scrubSecrets } from '../core/redact';

export const REDACTED_PATHS = [
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'proxyPassword',
  '*.proxyPassword',
  'sas',
  '*.sas',
  // Events name where a request went by origin and path (src/sinks/send-to.ts); a query (a SAS, a
  // function key), headers or cookies never belong in a line, whoever adds them.
  'query',
  '*.query',
  'search',
  '*.search',
  'headers',
  '*.headers',
  'cookie',
  '*.cookie',
];

export function createLogger(level: LogLevel, destination: pino.DestinationStream = pino.destination({ dest: 2, sync: true })): Logger {
  const scrubbed: pino.DestinationStream = { write: (line: string) => destination.write(scrubSecrets(line)) };
  return pino({ level, base: { name: 'asr-ready' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, scrubbed);
}
