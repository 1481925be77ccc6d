import { describe, expect, it } from 'vitest';
import { evaluateAzureRoots, trustAzureRoots } from '../../src/checks/trust-azure-roots';
import { AZURE_ROOTS } from '../../src/catalog/azure-roots';
import type { RootAssessment } from '../../src/checks/helpers/trust-root-assessment';
import { asTrustedCertificate, debianBundleText, debianBundleWithout, legacyOnlyBundle, rootPem, sha256Of, SERVER_AUTH } from '../helpers/roots';
import { CURRENT_ROOT_IDS, linuxStore, windowsStore } from '../helpers/stores';
import type { Facts } from '../../src/facts/facts';
import { CATALOGS, contextOf } from './helpers/context';

const NOW = new Date('2026-11-27T12:00:00Z');
const G2 = 'digicert-global-root-g2';
const roots = (evidence: Record<string, unknown>) => evidence.roots as RootAssessment[];
const stateOf = (evidence: Record<string, unknown>, id: string) => roots(evidence).find((r) => r.id === id)?.state;

describe('trust.azure-roots on Linux', () => {
  it('passes a complete Debian store and says the legacy roots are not needed', () => {
    const outcome = evaluateAzureRoots(linuxStore({ bundle: debianBundleText(), caPackageDate: '2023-03-11' }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('pass');
    expect(outcome.asrErrorCodes).toEqual([]);
    expect(outcome.summary).toMatch(/trusts DigiCert Global Root G2 .* and 5 of 5 other Azure roots/);
    for (const id of CURRENT_ROOT_IDS) expect(stateOf(outcome.evidence!, id)).toBe('trusted');
    expect(stateOf(outcome.evidence!, 'baltimore-cybertrust-root')).toBe('expired');
    expect(stateOf(outcome.evidence!, 'verisign-class3-g5')).toBe('missing');
    expect(outcome.evidence!.notes).toEqual([expect.stringMatching(/^Not needed: VeriSign .*Baltimore CyberTrust Root\. Microsoft's 151066 article/)]);
  });

  it('fails with 151066 when DigiCert Global Root G2 is missing, with Debian commands and the fingerprint to compare', () => {
    const outcome = evaluateAzureRoots(linuxStore({ bundle: debianBundleWithout(G2) }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('fail');
    expect(outcome.asrErrorCodes).toEqual([151066]);
    expect(outcome.summary).toMatch(
      /^DigiCert Global Root G2 is missing: the Mobility service cannot verify \*\.blob\.core\.windows\.net and login\.microsoftonline\.com, so enabling replication fails with error 151066/,
    );
    expect(outcome.remediation).toContain('sudo apt-get update && sudo apt-get install --only-upgrade ca-certificates && sudo update-ca-certificates');
    expect(outcome.remediation).toContain('/usr/local/share/ca-certificates/digicert-global-root-g2.crt');
    expect(outcome.remediation).toContain('CB:3C:CB:B7:60:31:E5:E0:13:8F:8D:D3:9A:23:F9:DE:47:FF:C3:5E:43:C1:14:4C:EA:27:D4:6A:5A:B1:CB:5F');
  });

  it('fails a store holding only the roots the old 151066 article names, and says they are not needed', () => {
    const outcome = evaluateAzureRoots(linuxStore({ bundle: legacyOnlyBundle() }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('fail');
    expect(outcome.asrErrorCodes).toEqual([151066]);
    expect(stateOf(outcome.evidence!, 'digicert-global-root-ca')).toBe('trusted');
    expect((outcome.evidence!.notes as string[])[0]).toMatch(/^Not needed: VeriSign Class 3 .*, Baltimore CyberTrust Root\./);
  });

  it('passes G2 given as a TRUSTED CERTIFICATE for TLS, and fails it when the block rejects TLS', () => {
    const others = debianBundleWithout(G2);
    const trusted = evaluateAzureRoots(linuxStore({ bundle: others + asTrustedCertificate(rootPem(G2), [SERVER_AUTH]) }), AZURE_ROOTS, NOW);
    expect(trusted.status).toBe('pass');
    const rejected = evaluateAzureRoots(linuxStore({ bundle: others + asTrustedCertificate(rootPem(G2), [], [SERVER_AUTH]) }), AZURE_ROOTS, NOW);
    expect(rejected.status).toBe('fail');
    expect(stateOf(rejected.evidence!, G2)).toBe('distrusted');
    expect(rejected.summary).toContain('distrusted (its TRUSTED CERTIFICATE entry rejects TLS server authentication)');
  });

  it('fails when the required root has expired, and warns within a year of expiry', () => {
    const store = linuxStore({ bundle: debianBundleText() });
    const expired = evaluateAzureRoots(store, AZURE_ROOTS, new Date('2038-06-01T00:00:00Z'));
    expect(expired.status).toBe('fail');
    expect(expired.summary).toMatch(/^DigiCert Global Root G2 is expired \(2038-01-15\)/);
    const expiring = evaluateAzureRoots(store, AZURE_ROOTS, new Date('2037-06-01T00:00:00Z'));
    expect(expiring.status).toBe('warn');
    expect(expiring.summary).toContain('DigiCert Global Root G2 expires on 2038-01-15');
    expect(roots(expiring.evidence!).find((r) => r.id === G2)!.expiresInDays).toBe(228);
  });

  it('fails a distrusted G2 and tells a Debian admin to remove the "!" line', () => {
    const store = linuxStore({
      bundle: debianBundleText(),
      distrusted: [
        { sha256: sha256Of(G2), name: 'mozilla/DigiCert_Global_Root_G2.crt', listedIn: '/etc/ca-certificates.conf (!mozilla/DigiCert_Global_Root_G2.crt)' },
      ],
    });
    const outcome = evaluateAzureRoots(store, AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('DigiCert Global Root G2 is distrusted (distrusted by /etc/ca-certificates.conf (!mozilla/DigiCert_Global_Root_G2.crt))');
    expect(outcome.remediation).toContain('Remove the "!" in front of its line in /etc/ca-certificates.conf, then run: sudo update-ca-certificates --fresh');
  });

  it('matches a Debian "!" entry by file name when the deselected file is gone', () => {
    const store = linuxStore({
      bundle: debianBundleText(),
      distrusted: [{ sha256: null, name: 'mozilla/DigiCert_Global_Root_G2.crt', listedIn: '/etc/ca-certificates.conf (!mozilla/DigiCert_Global_Root_G2.crt)' }],
    });
    expect(stateOf(evaluateAzureRoots(store, AZURE_ROOTS, NOW).evidence!, G2)).toBe('distrusted');
  });

  it('warns, not fails, for a missing secondary root, and tells RHEL admins to use update-ca-trust', () => {
    const outcome = evaluateAzureRoots(linuxStore({ family: 'rhel', bundle: debianBundleWithout('digicert-global-root-g3') }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('warn');
    expect(outcome.asrErrorCodes).toEqual([151066]);
    expect(outcome.summary).toContain('but DigiCert Global Root G3 is missing');
    expect(outcome.remediation).toContain('sudo update-ca-trust extract');
    expect(outcome.remediation).toContain('/etc/pki/ca-trust/source/anchors/digicert-global-root-g3.crt');
  });

  it('warns when the CA package predates the date Azure moved to its current roots', () => {
    const outcome = evaluateAzureRoots(linuxStore({ bundle: debianBundleText(), caPackageDate: '2021-10-01' }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('the CA bundle dates from 2021-10-01, before Azure moved to its current roots (2022-02-01)');
  });

  it('fails a SUSE hashed directory where G2 has no <hash>.0 link, and gives the c_rehash step', () => {
    const directory: Array<[string, string]> = CURRENT_ROOT_IDS.filter((id) => id !== G2).map((id) => [`${id}.pem`, rootPem(id)]);
    const unlinked = evaluateAzureRoots(
      linuxStore({ family: 'suse', directory: [...directory, ['DigiCert_Global_Root_G2.pem', rootPem(G2)]] }),
      AZURE_ROOTS,
      NOW,
    );
    expect(unlinked.status).toBe('fail');
    expect(stateOf(unlinked.evidence!, G2)).toBe('unreachable');
    expect(unlinked.summary).toContain('not linked as 607986c7.0');
    expect(unlinked.remediation).toContain('sudo c_rehash /etc/ssl/certs');
    const oldHash = evaluateAzureRoots(linuxStore({ family: 'suse', directory: [...directory, ['c90bc37d.0', rootPem(G2)]] }), AZURE_ROOTS, NOW);
    expect(oldHash.summary).toContain('only linked under its old-style hash c90bc37d; OpenSSL 1.0 and later look it up as 607986c7.0');
    const linked = evaluateAzureRoots(linuxStore({ family: 'suse', directory: [...directory, ['607986c7.0', rootPem(G2)]] }), AZURE_ROOTS, NOW);
    expect(stateOf(linked.evidence!, G2)).toBe('trusted');
  });

  it('fails when no store holds any certificate', () => {
    const outcome = evaluateAzureRoots(linuxStore({}), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^No usable trust store: none of \/etc\/ssl\/certs\/ca-certificates.crt, \/etc\/ssl\/certs holds a certificate/);
  });
});

describe('trust.azure-roots on Windows', () => {
  it('passes when LocalMachine Root holds every current Azure root', () => {
    const outcome = evaluateAzureRoots(windowsStore({ root: CURRENT_ROOT_IDS }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('pass');
    expect(roots(outcome.evidence!).find((r) => r.id === G2)!.foundIn).toEqual(['LocalMachine\\Root']);
  });

  it('only warns for a missing G2 while automatic root update is on, since Windows installs it on first use', () => {
    const outcome = evaluateAzureRoots(windowsStore({ root: CURRENT_ROOT_IDS.filter((id) => id !== G2) }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('warn');
    expect(stateOf(outcome.evidence!, G2)).toBe('installs-on-demand');
    expect(outcome.remediation).toContain('ctldl.windowsupdate.com over HTTP (port 80)');
  });

  it('fails a missing G2 when DisableRootAutoUpdate=1 turns automatic root update off', () => {
    const outcome = evaluateAzureRoots(windowsStore({ root: CURRENT_ROOT_IDS.filter((id) => id !== G2), disableRootAutoUpdate: true }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('fail');
    expect(outcome.asrErrorCodes).toEqual([151066]);
    expect(outcome.remediation).toContain('DisableRootAutoUpdate=1');
    expect(outcome.remediation).toContain('certutil -addstore Root');
  });

  it('fails G2 listed in Disallowed even when Root has it, naming the certutil command', () => {
    const outcome = evaluateAzureRoots(windowsStore({ root: CURRENT_ROOT_IDS, disallowed: [G2] }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('fail');
    expect(outcome.remediation).toContain('certutil -delstore Disallowed DF3C24F9BFD666761B268073FE06D1CC8D4F82A4');
  });

  it('counts roots in AuthRoot as installed', () => {
    const outcome = evaluateAzureRoots(windowsStore({ authRoot: CURRENT_ROOT_IDS }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('pass');
  });

  it('reports an error, not a verdict, when the Root store cannot be read', () => {
    const outcome = evaluateAzureRoots(windowsStore({ rootUnreadable: true }), AZURE_ROOTS, NOW);
    expect(outcome.status).toBe('error');
    expect(outcome.evidence!.problems).toEqual(['certutil -store Root failed: spawn certutil ENOENT']);
  });
});

describe('trust.azure-roots run()', () => {
  it('judges the trust store against the root catalog of its context, not a global one', async () => {
    const trustStore = async () => linuxStore({ bundle: debianBundleText(), caPackageDate: '2023-03-11' });
    const withoutG2 = { ...AZURE_ROOTS, roots: AZURE_ROOTS.roots.filter((r) => r.id !== G2) };
    const [all] = await trustAzureRoots.run(contextOf(trustAzureRoots, { trustStore } as unknown as Facts));
    const [fewer] = await trustAzureRoots.run(contextOf(trustAzureRoots, { trustStore } as unknown as Facts, { ...CATALOGS, azureRoots: withoutG2 }));
    expect(roots(all!.evidence!).map((r) => r.id)).toContain(G2);
    expect(roots(fewer!.evidence!).map((r) => r.id)).not.toContain(G2);
  });
});
