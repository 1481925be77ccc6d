// Clock synchronisation parsers (src/facts/time-sync.ts) on recorded outputs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChronyTracking, parseNtpqPeers, parseTimedatectl, parseW32tmStatus } from '../../src/facts/time-sync';
import { fixture } from '../helpers/paths';

const text = (...p: string[]) => readFileSync(fixture(...p), 'utf8');

describe('time sync parsers (recorded outputs)', () => {
  it('reads timedatectl in both wordings, chrony and ntpq', () => {
    expect(parseTimedatectl(text('linux', 'time', 'timedatectl-status-synchronized-yes.systemd-man.txt'))).toBe(true);
    expect(parseTimedatectl(text('linux', 'time', 'timedatectl-centos-7.7-old-format-ntp-synchronized-yes.jc.txt'))).toBe(true);
    expect(parseTimedatectl('NTPSynchronized=no\n')).toBe(false);
    expect(parseChronyTracking(text('linux', 'time', 'chronyc-tracking-ec2-phc0.clock-bound-readme.txt'))).toBe(true);
    expect(parseChronyTracking('Leap status     : Not synchronised\n')).toBe(false);
    expect(parseNtpqPeers(text('linux', 'time', 'ntpq-p-ubuntu-18.04-synced.jc.txt'))).toBe(true);
    expect(parseNtpqPeers(text('linux', 'time', 'ntpq-p-centos-7.7-no-sync.jc.txt'))).toBe(false);
    expect(parseW32tmStatus(text('windows', 'w32tm-query-status-verbose.vmic-provider.txt'))).toEqual({
      synchronized: true,
      source: 'VM IC Time Synchronization Provider',
    });
    expect(parseW32tmStatus('Leap Indicator: 3(not synchronized)\nSource: Local CMOS Clock\n')).toEqual({ synchronized: false, source: 'Local CMOS Clock' });
  });
});
