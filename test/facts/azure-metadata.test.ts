// The Azure metadata (src/facts/azure-metadata.ts) from a loopback IMDS serving a recorded document.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readAzureMetadata } from '../../src/facts/azure-metadata';
import { FakeGuest } from '../helpers/fake-guest';
import { fixture } from '../helpers/paths';

describe('IMDS values', () => {
  it('keeps every value as the string IMDS sent (recorded WALinuxAgent document)', async () => {
    const document = readFileSync(fixture('linux', 'imds', 'instance-walinuxagent-valid.json'), 'utf8');
    const server = http.createServer((req, res) => res.writeHead(req.headers.metadata === 'true' ? 200 : 400).end(document));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', '7783-7084-3265-9085-8269-3286-77\n');
    try {
      const facts = await readAzureMetadata({
        root: guest.root,
        platform: 'linux',
        imdsEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        loopbackOnly: true,
      });
      expect(facts).toMatchObject({ onAzure: true, contacted: true, ok: true, attempts: 1 });
      expect(facts.compute).toMatchObject({
        location: 'westus',
        vmSize: 'Standard_D2_V2',
        vmId: 'e7fdbfc4-2deb-4a4e-8615-ea6aaf50162e',
        osType: 'Linux',
        azEnvironment: '',
      });
      expect(
        Object.values(facts.compute!)
          .filter((v) => typeof v !== 'object')
          .every((v) => typeof v === 'string'),
      ).toBe(true);
    } finally {
      guest.remove();
      server.close();
    }
  });

  it('refuses to contact a non-loopback IMDS when ASR_READY_LOOPBACK_ONLY is set', async () => {
    const guest = new FakeGuest().write('/sys/class/dmi/id/chassis_asset_tag', '7783-7084-3265-9085-8269-3286-77\n');
    try {
      const facts = await readAzureMetadata({ root: guest.root, platform: 'linux', imdsEndpoint: null, loopbackOnly: true });
      expect(facts).toMatchObject({
        contacted: false,
        endpoint: 'http://169.254.169.254',
        error: 'not contacting http://169.254.169.254: ASR_READY_LOOPBACK_ONLY is set',
      });
    } finally {
      guest.remove();
    }
  });
});
