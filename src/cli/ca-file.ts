// A CA bundle named on the command line (--report-ca-file, --arm-ca-file): every PEM certificate in
// it, found in one pass (a file of unmatched BEGIN lines takes linear time), each of which must parse.
import { X509Certificate } from 'node:crypto';
import { UsageError } from '../core/errors';
import { shownPath } from '../core/quote-arg';
import { readBoundedFileSync } from '../facts/read-text';

const MAX_CA_FILE_BYTES = 16 * 1024 * 1024;
const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

export function readCaFileOption(option: string, file: string): string[] {
  const where = `${option} ${shownPath(file)}`;
  const read = readBoundedFileSync(file, { maxBytes: MAX_CA_FILE_BYTES, overCap: 'refuse', capReason: 'for a CA bundle' });
  if (!read.ok) throw new UsageError(`${where} ${read.reason === 'missing' ? 'cannot be read (ENOENT): no such file' : read.problem}`);
  const text = read.content.toString('utf8');
  const blocks: string[] = [];
  for (let at = text.indexOf(BEGIN); at >= 0;) {
    const end = text.indexOf(END, at + BEGIN.length);
    if (end < 0) break;
    blocks.push(text.slice(text.lastIndexOf(BEGIN, end), end + END.length));
    at = text.indexOf(BEGIN, end + END.length);
  }
  if (blocks.length === 0) throw new UsageError(`${where} holds no PEM certificate`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new UsageError(`${where} holds a certificate that does not parse`);
    }
  }
  return blocks;
}
