// NO_PROXY entries with IPv6 addresses and ports (curl's rules): "::1" and "[::1]" match the IPv6
// loopback, and "host:8443" bypasses the proxy for port 8443 only. Both used to be wrong: the port
// was cut off before matching (so every port matched), and ":1" was taken for the port of "::1".
import { describe, expect, it } from 'vitest';
import { bypassesProxy } from '../../../src/facts/proxy/bypass';

describe('bypassesProxy: IPv6 entries', () => {
  it.each([['::1'], ['[::1]'], ['[::1]:443']])('%s matches ::1 (given bare or bracketed)', (rule) => {
    expect(bypassesProxy('::1', [rule], 443)).toBe(rule);
    expect(bypassesProxy('[::1]', [rule], 443)).toBe(rule);
  });

  it('an IPv6 entry matches that address only, whatever its spelling', () => {
    expect(bypassesProxy('0:0:0:0:0:0:0:1', ['::1'], 443)).toBe('::1');
    expect(bypassesProxy('::2', ['::1', '[::1]'], 443)).toBeNull();
    expect(bypassesProxy('127.0.0.1', ['::1'], 443)).toBeNull();
    expect(bypassesProxy('fd00::5', ['fd00::/8'], 443)).toBe('fd00::/8');
    expect(bypassesProxy('[fd00::5]', ['[fd00::]/8'], 443)).toBe('[fd00::]/8');
  });
});

describe('bypassesProxy: entries with a port', () => {
  it('host:port bypasses that port only', () => {
    expect(bypassesProxy('api.example.com', ['example.com:8443'], 8443)).toBe('example.com:8443');
    expect(bypassesProxy('api.example.com', ['example.com:8443'], 443)).toBeNull();
    expect(bypassesProxy('10.0.0.4', ['10.0.0.4:8443'], 443)).toBeNull();
    expect(bypassesProxy('10.0.0.4', ['10.0.0.4:8443'], 8443)).toBe('10.0.0.4:8443');
    expect(bypassesProxy('::1', ['[::1]:8443'], 443)).toBeNull();
    expect(bypassesProxy('::1', ['[::1]:8443'], 8443)).toBe('[::1]:8443');
  });

  it('an entry without a port bypasses every port', () => {
    expect(bypassesProxy('api.example.com', ['example.com'], 8443)).toBe('example.com');
    expect(bypassesProxy('api.example.com', ['.example.com'], 443)).toBe('.example.com');
  });

  it('without a port to compare (a caller that does not know it), the host alone decides', () => {
    expect(bypassesProxy('api.example.com', ['example.com:8443'])).toBe('example.com:8443');
  });
});
