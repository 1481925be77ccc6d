import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateSize, evaluateFreeSpace } from '../../src/checks/resources';
import { evaluateTimeSync } from '../../src/checks/time-sync';
import { evaluateServices, evaluateUpdates, evaluatePendingReboot } from '../../src/checks/windows-guest';
import { readLinuxResources } from '../../src/facts/linux/resources';
import { readFreeSpace } from '../../src/facts/free-space';
import { parseChronyTracking, parseNtpqPeers, parseTimedatectl, parseW32tmStatus } from '../../src/facts/time-sync';
import { parseHotfixIds, parseScQcStartType } from '../../src/facts/windows/guest-parsers';
import type { WindowsGuestFacts } from '../../src/facts/windows/read-windows-guest';
import { SUPPORT_MATRIX } from '../../src/catalog/support-matrix';
import { FakeGuest } from '../helpers/fake-guest';
import { fixture } from '../helpers/paths';

const text = (...p: string[]) => readFileSync(fixture(...p), 'utf8');

describe('resources.size', () => {
  it('fails a 1-vCPU guest from its /proc files, and states the driver\'s memory share', async () => {
    const guest = new FakeGuest().write('/proc/cpuinfo', 'processor\t: 0\nmodel name\t: x\n\n').write('/proc/meminfo', 'MemTotal:        3915776 kB\nMemFree: 1 kB\n');
    try {
      const resources = await readLinuxResources(guest.root);
      expect(resources).toEqual({ vcpus: 1, memoryBytes: 3915776 * 1024, source: '/proc/cpuinfo and /proc/meminfo' });
      const outcome = evaluateSize(resources, SUPPORT_MATRIX);
      expect(outcome).toMatchObject({ status: 'fail', summary: 'Too small for Site Recovery: 1 vCPU (at least 2 needed). The replication driver will use about 6% of RAM (~229 MiB here).' });
    } finally {
      guest.remove();
    }
  });
  it('passes 2 vCPUs and 8 GiB', () => {
    expect(evaluateSize({ vcpus: 2, memoryBytes: 8 * 1024 ** 3, source: 't' }, SUPPORT_MATRIX).status).toBe('pass');
  });
});

describe('resources.free-space', () => {
  it('measures the nearest existing parent of the install path, and labels the figures as borrowed', async () => {
    const guest = new FakeGuest().mkdir('/usr/local');
    try {
      const entries = await readFreeSpace(guest.root, 'linux', { root: '/', install: '/usr/local/ASR' });
      expect(entries.map((e) => [e.path, e.measured, e.freeBytes !== null && e.freeBytes > 0])).toEqual([['/', '/', true], ['/usr/local/ASR', '/usr/local', true]]);
      const huge = { ...SUPPORT_MATRIX, freeSpace: { ...SUPPORT_MATRIX.freeSpace, rootMiB: 1e12 } };
      const outcome = evaluateFreeSpace(entries, huge);
      expect(outcome.status).toBe('warn');
      expect(outcome.summary).toContain('Guidance borrowed from the VMware/physical support matrix');
      expect(evaluateFreeSpace(entries, SUPPORT_MATRIX).status).toBe('pass');
    } finally {
      guest.remove();
    }
  });
});

describe('time sync parsers (recorded outputs)', () => {
  it('reads timedatectl in both wordings, chrony and ntpq', () => {
    expect(parseTimedatectl(text('linux', 'time', 'timedatectl-status-synchronized-yes.systemd-man.txt'))).toBe(true);
    expect(parseTimedatectl(text('linux', 'time', 'timedatectl-centos-7.7-old-format-ntp-synchronized-yes.jc.txt'))).toBe(true);
    expect(parseTimedatectl('NTPSynchronized=no\n')).toBe(false);
    expect(parseChronyTracking(text('linux', 'time', 'chronyc-tracking-ec2-phc0.clock-bound-readme.txt'))).toBe(true);
    expect(parseChronyTracking('Leap status     : Not synchronised\n')).toBe(false);
    expect(parseNtpqPeers(text('linux', 'time', 'ntpq-p-ubuntu-18.04-synced.jc.txt'))).toBe(true);
    expect(parseNtpqPeers(text('linux', 'time', 'ntpq-p-centos-7.7-no-sync.jc.txt'))).toBe(false);
    expect(parseW32tmStatus(text('windows', 'w32tm-query-status-verbose.vmic-provider.txt'))).toEqual({ synchronized: true, source: 'VM IC Time Synchronization Provider' });
    expect(parseW32tmStatus('Leap Indicator: 3(not synchronized)\nSource: Local CMOS Clock\n')).toEqual({ synchronized: false, source: 'Local CMOS Clock' });
  });
  it('judges the facts', () => {
    expect(evaluateTimeSync({ synchronized: false, source: 'chronyc -n tracking', detail: null }).status).toBe('warn');
    expect(evaluateTimeSync({ synchronized: true, source: 'timedatectl status', detail: null }).status).toBe('pass');
    expect(evaluateTimeSync({ synchronized: null, source: 'not read: clock synchronisation lives in the running system', detail: null }).status).toBe('skip');
  });
});

describe('Windows checks (recorded outputs)', () => {
  const facts = (extra: Partial<WindowsGuestFacts>): WindowsGuestFacts => ({
    version: { productName: 'Windows 7 Enterprise', build: 7601, installationType: 'Client', displayVersion: null, servicePack: 'Service Pack 1', isServer: false },
    hotfixes: [], hotfixSource: 'wmic qfe get HotFixID', services: { COMSysApp: 'manual', VSS: 'manual' },
    tls12Client: { enabled: null, disabledByDefault: null }, dotnet: { systemDefaultTlsVersions: null, schUseStrongCrypto: null }, pendingReboot: [], problems: [], ...extra,
  });

  it('reads sc qc start types', () => {
    expect(parseScQcStartType(text('windows', 'sc-qc-vss.server2019.modified-binpath.txt'))).toBe('manual');
    expect(parseScQcStartType('        START_TYPE         : 4   DISABLED\n')).toBe('disabled');
  });

  it('fails a disabled COM+ System Application with 151025 and the sc command', () => {
    const outcome = evaluateServices(facts({ services: { COMSysApp: 'disabled', VSS: 'manual' } }));
    expect(outcome).toMatchObject({ status: 'fail', asrErrorCodes: [151025], remediation: 'sc config COMSysApp start= demand' });
    expect(evaluateServices(facts({})).status).toBe('pass');
  });

  it('reads KB numbers from Get-HotFix, wmic qfe and systeminfo output', () => {
    expect(parseHotfixIds(text('windows', 'get-hotfix.azure-acs-engine-k8s-node.txt'))).toEqual(['KB4087256', 'KB4089848']);
    expect(parseHotfixIds(text('windows', 'wmic-qfe-get-caption-description-hotfixid-installedon.server2016.txt'))).toEqual(['KB3192137', 'KB3211320', 'KB3213986']);
    const win7 = parseHotfixIds(text('windows', 'systeminfo.win7-enterprise-sp1-build7601.218-hotfixes-incl-kb4474419-kb4490628.txt'));
    expect(win7).toHaveLength(218);
    expect(win7).toEqual(expect.arrayContaining(['KB4474419', 'KB4490628']));
  });

  it('on the recorded Windows 7 host: has the SHA-2 updates, fails until TLS 1.2 is enabled for clients', () => {
    const hotfixes = parseHotfixIds(text('windows', 'systeminfo.win7-enterprise-sp1-build7601.218-hotfixes-incl-kb4474419-kb4490628.txt'));
    const before = evaluateUpdates(facts({ hotfixes }), SUPPORT_MATRIX);
    expect(before.status).toBe('fail');
    expect(before.summary).not.toContain('KB4474419');
    expect(before.summary).toContain('TLS 1.2 is not enabled for clients');
    const after = evaluateUpdates(facts({ hotfixes, tls12Client: { enabled: 1, disabledByDefault: 0 }, dotnet: { systemDefaultTlsVersions: 1, schUseStrongCrypto: 1 } }), SUPPORT_MATRIX);
    expect(after).toMatchObject({ status: 'pass', summary: 'Windows 7 SP1 has the updates and TLS 1.2 settings Site Recovery needs.' });
  });

  it('names missing SHA-2 updates on 2008 R2', () => {
    const outcome = evaluateUpdates(facts({ version: { productName: 'Windows Server 2008 R2 Datacenter', build: 7601, installationType: 'Server', displayVersion: null, servicePack: 'Service Pack 1', isServer: true }, hotfixes: ['KB4490628'], tls12Client: { enabled: 1, disabledByDefault: 0 }, dotnet: { systemDefaultTlsVersions: 1, schUseStrongCrypto: 1 } }), SUPPORT_MATRIX);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('Windows Server 2008 R2 SP1: KB4474419 is not installed (SHA-2 code signing (SHA-1 is not supported since September 2019)). Without SHA-2 support the agent install fails; without TLS 1.2 replication fails (Winsock 10054).');
  });

  it('passes Server 2022 without extra updates, and warns for a pending reboot', () => {
    expect(evaluateUpdates(facts({ version: { productName: 'Windows Server 2022 Datacenter', build: 20348, installationType: 'Server', displayVersion: '21H2', servicePack: null, isServer: true } }), SUPPORT_MATRIX).status).toBe('pass');
    expect(evaluatePendingReboot(facts({ pendingReboot: ['Windows Update has RebootRequired'] }))).toMatchObject({ status: 'warn', asrErrorCodes: [151081, 151083] });
  });
});
