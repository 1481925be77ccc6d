// The configuration file and ASR_READY_* variables (src/cli/config-layers.ts, read-only here):
// anything in the file is either options or a UsageError (the documented error, exit 2), and
// reading stays linear up to the 1 MiB cap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigFile, readEnvironment, type OptionSpec } from '../../src/cli/config-layers';
import { UsageError } from '../../src/core/errors';
import { anyText, expectLinear, repeatTo, textOf } from './linear';

const SPECS: Record<string, OptionSpec> = {
  output: { type: 'string' },
  checks: { type: 'string', multiple: true },
  'fail-on': { type: 'string' },
  'no-proxy': { type: 'boolean' },
  config: { type: 'string' },
};
const FRAGMENTS = [
  '{',
  '}',
  '[',
  ']',
  '"output"',
  '"checks"',
  '"failOn"',
  '"noProxy"',
  '"clientSecret"',
  ':',
  ',',
  '"x"',
  'true',
  '1',
  'null',
  '\uFEFF',
  ' ',
  '\n',
];
const dir = mkdtempSync(path.join(os.tmpdir(), 'asr-ready-config-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/** Writes text to a fresh file and reads it as --config would. */
function readAsConfig(text: string): unknown {
  const file = path.join(dir, `c${counter++}.json`);
  writeFileSync(file, text);
  try {
    return readConfigFile(file, true, SPECS);
  } finally {
    rmSync(file, { force: true });
  }
}

const onlyUsageErrors = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
  }
};

describe('configuration file and environment', () => {
  it('any file content is options or a UsageError', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, textOf(FRAGMENTS, 40), fc.json()), (text) => onlyUsageErrors(() => readAsConfig(text))),
      { numRuns: 400 },
    );
  });

  it('any ASR_READY_* value is options or a UsageError', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('ASR_READY_OUTPUT', 'ASR_READY_CHECKS', 'ASR_READY_NO_PROXY', 'ASR_READY_FAIL_ON'), anyText), (env) =>
        onlyUsageErrors(() => readEnvironment(env, SPECS)),
      ),
      { numRuns: 400 },
    );
  });

  // 8 × 120 KiB stays under the 1 MiB cap, past which the file is refused unread.
  const BASE = 120 * 1024;
  it.each([
    ['a huge list', (n: number) => repeatTo('"trust.",', n, '{"checks":[', '"os."]}')],
    ['a huge unknown key', (n: number) => repeatTo('k', n, '{"', 'token":1}')],
    ['unterminated string', (n: number) => repeatTo('a', n, '{"output":"')],
    ['blanks', (n: number) => repeatTo(' ', n, '{', '}')],
  ])('is linear: %s', (name, build) => {
    expectLinear(name, (text) => onlyUsageErrors(() => readAsConfig(text)), build, BASE);
  });
});
