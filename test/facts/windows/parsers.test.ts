import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCertutilStore } from '../../../src/facts/windows/certutil-store';
import { dwordValue, parseRegQuery } from '../../../src/facts/windows/reg-query';
import { fixture } from '../../helpers/paths';

const windowsFixture = (name: string) => readFileSync(fixture('windows', name), 'utf8');

describe('parseCertutilStore (recorded real certutil outputs)', () => {
  it('reads the thumbprint, subject and NotAfter of a Root store entry with key-container lines', () => {
    expect(parseCertutilStore(windowsFixture('certutil-store-root.excerpt-self-signed-with-key.txt'))).toEqual([
      { sha1: 'EF56CF1F0052B3FF7A1C834CFA3D71EA0D72C04E', subject: 'CN=WinDev1712Eval', notAfter: '4/5/3017 9:55 PM' },
    ]);
  });

  it('reads an enterprise Root store listing whose NotBefore/NotAfter lines have no indent', () => {
    expect(parseCertutilStore(windowsFixture('certutil-store-enterprise-root.single-enterprise-ca.txt'))).toEqual([
      { sha1: 'B805E6AB548F6E7C57D3989F61DE7FE6A51031D1', subject: 'CN=CVI Root CA, DC=corp, DC=cvilab, DC=local', notAfter: '4/25/2046 6:25 PM' },
    ]);
  });

  it('reads several certificates in one listing, in order', () => {
    const entries = parseCertutilStore(windowsFixture('certutil-store-user-my.two-certs.txt'));
    expect(entries.map((e) => e.sha1)).toEqual(['A50337AB015D5612B7DC4C1E759D201E74CC2A93', '37378A1B06DCEF1B4D4753F7D21E4F20B18FBFEC']);
    expect(entries[1]!.subject).toBe('CN=WinFed@deverett.info');
  });

  it('accepts CRLF, the older space-separated hash format and localised labels', () => {
    const older =
      '================ Certificate 0 ================\r\nSubject: CN=X\r\nCert Hash(sha1): df 3c 24 f9 bf d6 66 76 1b 26 80 73 fe 06 d1 cc 8d 4f 82 a4\r\n';
    expect(parseCertutilStore(older)).toEqual([{ sha1: 'DF3C24F9BFD666761B268073FE06D1CC8D4F82A4', subject: 'CN=X', notAfter: null }]);
    const german = '================ Zertifikat 0 ================\nAntragsteller: CN=X\nZertifikathash(sha1): df3c24f9bfd666761b268073fe06d1cc8d4f82a4\n';
    expect(parseCertutilStore(german)).toEqual([{ sha1: 'DF3C24F9BFD666761B268073FE06D1CC8D4F82A4', subject: null, notAfter: null }]);
  });

  it('returns nothing for an empty store listing', () => {
    expect(parseCertutilStore('Disallowed "Untrusted Certificates"\r\nCertUtil: -store command completed successfully.\r\n')).toEqual([]);
  });
});

describe('parseRegQuery (recorded real reg query output)', () => {
  it('reads REG_SZ and REG_DWORD value lines and skips subkey lines', () => {
    const values = parseRegQuery(windowsFixture('reg-query-hklm-internet-settings.server2016.txt'));
    expect(values).toEqual([
      { name: 'ActiveXCache', type: 'REG_SZ', value: 'C:\\Windows\\Downloaded Program Files' },
      { name: 'CodeBaseSearchPath', type: 'REG_SZ', value: 'CODEBASE' },
      { name: 'EnablePunycode', type: 'REG_DWORD', value: '0x1' },
      { name: 'MinorVersion', type: 'REG_SZ', value: '0' },
      { name: 'WarnOnIntranet', type: 'REG_DWORD', value: '0x1' },
    ]);
    expect(dwordValue(values.find((v) => v.name === 'EnablePunycode'))).toBe(1);
    expect(dwordValue(values.find((v) => v.name === 'MinorVersion'))).toBeNull();
  });

  it('reads the DisableRootAutoUpdate policy value', () => {
    const output =
      '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot\r\n    DisableRootAutoUpdate    REG_DWORD    0x1\r\n\r\n';
    expect(dwordValue(parseRegQuery(output).find((v) => v.name === 'DisableRootAutoUpdate'))).toBe(1);
  });
});
