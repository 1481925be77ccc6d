// Logs go to stderr through pino (synchronous destination: worker-thread transports do not work
// inside a bundle), with secrets redacted by path, so stdout stays the report alone.
import pino, { type Logger } from 'pino';
import type { LogLevel } from './args';

export const REDACTED_PATHS = [
  'token', '*.token', 'accessToken', '*.accessToken', 'access_token', '*.access_token',
  'password', '*.password', 'secret', '*.secret', 'clientSecret', '*.clientSecret',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'proxyPassword', '*.proxyPassword', 'sas', '*.sas',
];

export function createLogger(level: LogLevel, destination: pino.DestinationStream = pino.destination({ dest: 2, sync: true })): Logger {
  return pino({ level, base: { name: 'asr-ready' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
