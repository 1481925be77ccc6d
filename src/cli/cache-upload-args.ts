// --cache-upload-test SAS-URL and --cache-upload-test-file FILE (network.cache-upload): a container
// SAS URL on the cache storage account. The SAS is a secret: it is remembered (rememberSecret) the
// moment it is read, so no output, log line, report or error can carry it, and no message here
// quotes the value, only the option and, where the URL parses, its host.
import net from 'node:net';
import { UsageError } from '../core/errors';
import { rememberSecret } from '../core/redact';
import { shownPath } from '../core/quote-arg';
import { isLoopback, unbracketIpv6 } from '../net/address-scope';
import { readBoundedFileSync } from '../facts/read-text';
import { secretText } from './delivery-args';

const MAX_SAS_FILE_BYTES = 8 * 1024;
const BLOB_HOST = /^[a-z0-9]{3,24}\.blob\.core\.(windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)$/;

export function cacheUploadOption(
  values: { 'cache-upload-test'?: string; 'cache-upload-test-file'?: string },
  loopbackOnly: boolean,
): { sasUrl: string } | null {
  const inline = values['cache-upload-test'];
  const file = values['cache-upload-test-file'];
  if (inline !== undefined && file !== undefined)
    throw new UsageError('--cache-upload-test and --cache-upload-test-file both give the SAS URL; give one (the file keeps it out of the process list)');
  if (inline !== undefined) {
    rememberSecretParts(inline.trim());
    return { sasUrl: validateSasUrl(inline.trim(), '--cache-upload-test', loopbackOnly) };
  }
  if (file !== undefined) {
    const read = readBoundedFileSync(file, { maxBytes: MAX_SAS_FILE_BYTES, overCap: 'refuse', capReason: 'for a file that should hold only the SAS URL' });
    const where = `--cache-upload-test-file ${shownPath(file)}`;
    if (!read.ok) throw new UsageError(`${where} ${read.reason === 'missing' ? 'cannot be read (ENOENT): no such file' : read.problem}`);
    const text = secretText(read.content, where); // remembers the whole text
    rememberSecretParts(text);
    return { sasUrl: validateSasUrl(text, where, loopbackOnly) };
  }
  return null;
}

/** The URL, its query and its signature, each remembered (raw and decoded forms: rememberSecret adds them). */
function rememberSecretParts(value: string): void {
  rememberSecret(value);
  const q = value.indexOf('?');
  if (q < 0) return;
  const query = value.slice(q + 1).split('#')[0]!;
  rememberSecret(query);
  rememberSecret(`?${query}`);
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).toLowerCase() === 'sig') rememberSecret(pair.slice(eq + 1));
  }
}

/** https, a blob host (or loopback under ASR_READY_LOOPBACK_ONLY), a container path, sig= present. */
export function validateSasUrl(value: string, option: string, loopbackOnly: boolean): string {
  const example = 'https://ACCOUNT.blob.core.windows.net/CONTAINER?sv=…&sp=cw…&sig=…';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} is not a URL; give a container SAS URL (${example})`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`${option} must be an https:// URL (the SAS must not travel in clear): ${example}`);
  if (url.username || url.password) throw new UsageError(`${option} must not carry user:password@; give a container SAS URL (${example})`);
  const host = unbracketIpv6(url.hostname).toLowerCase();
  const loopback = loopbackOnly && (host === 'localhost' || (net.isIP(host) !== 0 && isLoopback(host)));
  if (!BLOB_HOST.test(host) && !loopback) {
    throw new UsageError(`${option} names the host ${host}, which is not a storage account's blob endpoint (ACCOUNT.blob.core.windows.net): ${example}`);
  }
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length !== 1)
    throw new UsageError(`${option} must name a container and nothing below it (https://${host}/CONTAINER?…), not a blob or the account root`);
  if (!url.searchParams.get('sig'))
    throw new UsageError(
      `${option} has no sig= in its query: it is not a SAS URL; create a container SAS with write and create permission (sp=cw) and give its whole URL`,
    );
  url.hash = '';
  return url.toString();
}
