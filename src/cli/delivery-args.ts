// Delivery options: the collector, Log Analytics and the spool. Secrets come only from files or the
// environment (never the command line, which other users can read in the process list).
import { UsageError } from '../core/errors';
import { MIN_REMEMBERED, rememberSecret } from '../core/redact';
import { readBoundedFileSync } from '../facts/read-text';
import { quoteArg, shownPath } from '../core/quote-arg';
import { readCaFileOption } from './ca-file';
import type { DeliveryOptions, IngestionAuth } from '../sinks/deliver-report';

export type { DeliveryOptions, IngestionAuth };

export const DELIVERY_OPTION_SPECS = {
  'report-url': { type: 'string' },
  'report-token-file': { type: 'string' },
  'allow-insecure-report-url': { type: 'boolean' },
  'report-ca-file': { type: 'string', multiple: true },
  'log-analytics-endpoint': { type: 'string' },
  'dcr-id': { type: 'string' },
  stream: { type: 'string' },
  'identity-client-id': { type: 'string' },
  'tenant-id': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret-file': { type: 'string' },
  'spool-dir': { type: 'string' },
  'spool-max-files': { type: 'string' },
  'spool-max-mb': { type: 'string' },
  'delivery-timeout': { type: 'string' },
  'delivery-attempts': { type: 'string' },
} as const;

type Values = Partial<Record<keyof typeof DELIVERY_OPTION_SPECS, string | boolean | string[] | undefined>>;

export function parseDeliveryOptions(values: Values, env: NodeJS.ProcessEnv): DeliveryOptions {
  const str = (k: keyof typeof DELIVERY_OPTION_SPECS) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const reportUrl = str('report-url') === undefined ? null : validateReportUrl(str('report-url')!, Boolean(values['allow-insecure-report-url']));
  const reportToken = str('report-token-file') === undefined ? null : readSecretFile(str('report-token-file')!, '--report-token-file');
  if (reportToken && !reportUrl) throw new UsageError('--report-token-file needs --report-url');
  const reportCa = ((values['report-ca-file'] as string[] | undefined) ?? []).flatMap((file) => readCaFileOption('--report-ca-file', file));

  const la = [str('log-analytics-endpoint'), str('dcr-id'), str('stream')];
  let logAnalytics: DeliveryOptions['logAnalytics'] = null;
  if (la.some((v) => v !== undefined)) {
    if (la.some((v) => v === undefined)) throw new UsageError('Log Analytics needs all three of --log-analytics-endpoint, --dcr-id and --stream');
    logAnalytics = { endpoint: validateHttpsUrl(la[0]!, '--log-analytics-endpoint'), dcrId: validateDcrId(la[1]!), stream: validateStream(la[2]!) };
  }

  const tenantId = str('tenant-id');
  const clientId = str('client-id');
  const secretFile = str('client-secret-file');
  const secret = secretFile !== undefined ? readSecretFile(secretFile, '--client-secret-file') : secretFromEnvironment(env.ASR_READY_CLIENT_SECRET);
  let auth: IngestionAuth = { kind: 'managed-identity', clientId: str('identity-client-id') ?? null };
  if (tenantId !== undefined || clientId !== undefined || secretFile !== undefined) {
    if (!tenantId || !clientId || !secret)
      throw new UsageError('a service principal needs --tenant-id, --client-id and its secret (--client-secret-file FILE or ASR_READY_CLIENT_SECRET)');
    if (str('identity-client-id')) throw new UsageError('--identity-client-id (managed identity) and --client-id (service principal) exclude each other');
    auth = { kind: 'service-principal', tenantId, clientId, secret };
  }
  return {
    reportUrl,
    reportToken,
    reportCa,
    logAnalytics,
    auth,
    spoolDir: str('spool-dir') ?? null,
    spoolMaxFiles: wholeNumber(str('spool-max-files'), '--spool-max-files', 100, 1, 100_000),
    spoolMaxBytes: wholeNumber(str('spool-max-mb'), '--spool-max-mb', 50, 1, 10_000) * 1024 * 1024,
    timeoutSeconds: wholeNumber(str('delivery-timeout'), '--delivery-timeout', 60, 1, 3600),
    attempts: wholeNumber(str('delivery-attempts'), '--delivery-attempts', 4, 1, 10),
  };
}

function validateReportUrl(value: string, allowInsecure: boolean): string {
  const url = parseUrl(value, '--report-url');
  if (url.username || url.password) throw new UsageError('--report-url must not carry credentials; put the token in a file and give --report-token-file');
  if (url.protocol === 'http:' && !allowInsecure)
    throw new UsageError("--report-url must be https:// (reports describe the guest's security); add --allow-insecure-report-url to send over plain http");
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--report-url must be an https:// URL, not ${url.protocol}`);
  return url.toString();
}

function validateHttpsUrl(value: string, option: string): string {
  const url = parseUrl(value, option);
  if (url.protocol !== 'https:') throw new UsageError(`${option} must be an https:// URL`);
  return url.toString().replace(/\/+$/, '');
}

function parseUrl(value: string, option: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new UsageError(`${option} ${quoteArg(value)} is not a URL`);
  }
}

function validateDcrId(value: string): string {
  if (!/^dcr-[0-9a-f]{32}$/i.test(value.trim()))
    throw new UsageError(`--dcr-id ${quoteArg(value)} is not a data collection rule immutable id (dcr- followed by 32 hex digits; see the DCR's JSON view)`);
  return value.trim();
}

function validateStream(value: string): string {
  if (!/^Custom-[A-Za-z][A-Za-z0-9_]*$/.test(value.trim()))
    throw new UsageError(`--stream ${quoteArg(value)} must be the DCR's input stream, Custom-<name> (not the table name)`);
  return value.trim();
}

/** A token or client secret file: one line, small, and nothing that cannot travel in an HTTP header. */
export const MAX_SECRET_FILE_BYTES = 16 * 1024;

function readSecretFile(file: string, option: string): string {
  const read = readBoundedFileSync(file, { maxBytes: MAX_SECRET_FILE_BYTES, overCap: 'refuse', capReason: 'for a file that should hold only the secret' });
  const where = `${option} ${shownPath(file)}`;
  if (!read.ok) throw new UsageError(`${where} ${read.reason === 'missing' ? 'cannot be read (ENOENT): no such file' : read.problem}`);
  return secretText(read.content, where);
}

/** ASR_READY_CLIENT_SECRET obeys the same rule as a secret file. */
function secretFromEnvironment(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  return secretText(Buffer.from(value, 'utf8'), 'environment variable ASR_READY_CLIENT_SECRET');
}

/**
 * The secret as it will be sent: a single trailing newline (what an editor or `echo` leaves) is
 * dropped, as are blanks at either end; anything else that is not a visible ASCII character, a
 * blank or a tab (a newline in the middle, a NUL, a carriage return, a byte of another encoding)
 * stops the run. Messages name the file and a byte offset, never the content.
 */
export function secretText(content: Buffer, where: string): string {
  let end = content.length;
  if (end > 0 && content[end - 1] === 0x0a) end--;
  if (end > 0 && content[end - 1] === 0x0d) end--;
  for (let i = 0; i < end; i++) {
    const byte = content[i]!;
    if (byte === 0x09 || (byte >= 0x20 && byte <= 0x7e)) continue;
    const what = byte === 0x0a || byte === 0x0d ? 'a line break' : byte < 0x20 || byte === 0x7f ? 'a control character' : 'a non-ASCII byte';
    throw new UsageError(`${where} holds ${what} at byte ${i + 1}, which cannot be sent in an HTTP header; the file must hold only the secret, on one line`);
  }
  const text = content
    .subarray(0, end)
    .toString('latin1')
    .replace(/^[ \t]+|[ \t]+$/g, '');
  if (!text) throw new UsageError(`${where} is empty; it must hold the secret`);
  if (text.length < MIN_REMEMBERED)
    throw new UsageError(`${where} holds only ${text.length} character(s): too short to be a token or secret (and to be kept out of the output reliably)`);
  rememberSecret(text); // from here on no output, log line or spool entry can carry it
  return text;
}

function wholeNumber(raw: string | undefined, option: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw new UsageError(`${option} must be a whole number from ${min} to ${max}, not ${quoteArg(raw)}`);
  return n;
}
