// sc qc's labels are translated (German STARTTYP), its start-type number and symbolic name are not.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScQcStartType } from '../../../src/facts/windows/guest-parsers';
import { fixture } from '../../helpers/paths';

describe('parseScQcStartType in any language', () => {
  it.each([
    ['English (recorded)', readFileSync(fixture('windows', 'sc-qc-vss.server2019.modified-binpath.txt'), 'latin1'), 'manual'],
    ['German label STARTTYP', '        STARTTYP           : 4   DISABLED\r\n', 'disabled'],
    ['any label, delayed auto start', '        X : 2   AUTO_START  (DELAYED)\r\n', 'automatic'],
  ])('%s', (_name, text, expected) => {
    expect(parseScQcStartType(text)).toBe(expected);
  });

  it('a line without a symbolic start name (ERROR_CONTROL, TYPE) is not taken for the start type', () => {
    expect(parseScQcStartType('        TYP                : 10  WIN32_OWN_PROCESS\r\n        FEHLERSTEUERUNG    : 1   NORMAL\r\n')).toBeNull();
  });
});
