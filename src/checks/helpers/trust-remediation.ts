// Remediation text for trust-store problems: the exact commands for the guest's distro family.
import type { CatalogRoot } from '../../catalog/azure-roots';
import type { DistroFamily } from '../../facts/linux/distro-family';
import type { RootAssessment } from './trust-root-assessment';

/** Where to get a root from its issuer, with the fingerprint an admin must compare before trusting it. */
const DOWNLOADS: Record<string, string> = {
  'digicert-global-root-g2': 'https://cacerts.digicert.com/DigiCertGlobalRootG2.crt.pem',
  'digicert-global-root-g3': 'https://cacerts.digicert.com/DigiCertGlobalRootG3.crt.pem',
  'digicert-tls-rsa4096-root-g5': 'https://cacerts.digicert.com/DigiCertTLSRSA4096RootG5.crt.pem',
  'digicert-tls-ecc-p384-root-g5': 'https://cacerts.digicert.com/DigiCertTLSECCP384RootG5.crt.pem',
};

export function linuxRemediation(family: DistroFamily, problems: RootAssessment[], roots: CatalogRoot[], anchorDirectory: string): string {
  const steps: string[] = [];
  const byState = (state: RootAssessment['state']) => problems.filter((p) => p.state === state);
  const distrusted = byState('distrusted');
  const unreachable = byState('unreachable');
  const absent = [...byState('missing'), ...byState('expired')];

  if (distrusted.length > 0) {
    for (const p of distrusted) steps.push(`Re-trust ${p.name}: ${p.detail}. ${undistrustCommand(family, p)}`);
  }
  if (absent.length > 0) {
    steps.push(`Update the CA package: ${packageUpdateCommand(family)}`);
    for (const p of absent) {
      const root = roots.find((r) => r.id === p.id);
      if (!root) continue;
      const url = DOWNLOADS[root.id];
      const file = `${anchorDirectory}/${root.id}.crt`;
      steps.push(
        `If ${root.name} is still missing, add it by hand: ` +
          (url ? `curl -fsSL ${url} -o ${file}` : `copy the root to ${file}`) +
          `, check that \`openssl x509 -in ${file} -noout -fingerprint -sha256\` prints ${colonHex(root.sha256)}, then run: ${manualAddRefresh(family, root)}`,
      );
    }
  }
  if (unreachable.length > 0) {
    const links = unreachable
      .map((p) => roots.find((r) => r.id === p.id))
      .filter((r): r is CatalogRoot => Boolean(r))
      .map((r) => `${r.subjectHash}.0 for ${r.name}`)
      .join(', ');
    steps.push(
      `Create the hash links OpenSSL looks roots up by (${links}): sudo c_rehash /etc/ssl/certs (or: sudo openssl rehash /etc/ssl/certs), then check with ls -l /etc/ssl/certs/<hash>.0.`,
    );
  }
  steps.push('Then run asr-ready again; on success, retry "Enable replication" in the Recovery Services vault.');
  return steps.map((s, i) => `${i + 1}. ${s}`).join('\n');
}

export function windowsRemediation(problems: RootAssessment[], roots: CatalogRoot[], autoUpdateDisabled: boolean): string {
  const steps: string[] = [];
  for (const p of problems.filter((x) => x.state === 'distrusted')) {
    const root = roots.find((r) => r.id === p.id);
    steps.push(`Remove ${p.name} from Untrusted Certificates: certutil -delstore Disallowed ${root?.sha1 ?? p.sha256}`);
  }
  const absent = problems.filter((x) => x.state === 'missing' || x.state === 'installs-on-demand' || x.state === 'expired');
  if (absent.length > 0) {
    if (autoUpdateDisabled) {
      steps.push(
        'Automatic root update is off (policy "Turn off Automatic Root Certificates Update", HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot DisableRootAutoUpdate=1). ' +
          'Either turn the policy off and allow HTTP (port 80) to ctldl.windowsupdate.com, or import the roots yourself.',
      );
    } else {
      steps.push(
        'Make sure the VM can reach ctldl.windowsupdate.com over HTTP (port 80) so Windows can install the root on first use, and install the latest Windows updates.',
      );
    }
    for (const p of absent) {
      const root = roots.find((r) => r.id === p.id);
      if (root)
        steps.push(
          `To import ${root.name} by hand: download it, check its SHA-1 thumbprint is ${root.sha1}, then run (elevated): certutil -addstore Root <file>.crt`,
        );
    }
  }
  steps.push('Then run asr-ready again, or browse to https://login.microsoftonline.com in the VM as the 151066 article suggests.');
  return steps.map((s, i) => `${i + 1}. ${s}`).join('\n');
}

function packageUpdateCommand(family: DistroFamily): string {
  switch (family) {
    case 'debian':
      return 'sudo apt-get update && sudo apt-get install --only-upgrade ca-certificates && sudo update-ca-certificates';
    case 'rhel':
      return 'sudo yum update ca-certificates (dnf on RHEL 8 and later) && sudo update-ca-trust extract';
    case 'suse':
      return 'sudo zypper refresh && sudo zypper update ca-certificates-mozilla && sudo update-ca-certificates';
    case 'alpine':
      return 'sudo apk add --upgrade ca-certificates && sudo update-ca-certificates';
    default:
      return 'install the newest ca-certificates package with your package manager, then rebuild the store (update-ca-certificates or update-ca-trust extract)';
  }
}

function manualAddRefresh(family: DistroFamily, root: CatalogRoot): string {
  switch (family) {
    case 'rhel':
      return 'sudo update-ca-trust extract';
    case 'suse':
      return `sudo update-ca-certificates (on SLES 11, which has no update-ca-certificates: copy the file into /etc/ssl/certs as ${root.id}.pem, then sudo c_rehash /etc/ssl/certs so that ${root.subjectHash}.0 links to it)`;
    default:
      return 'sudo update-ca-certificates';
  }
}

function undistrustCommand(family: DistroFamily, p: RootAssessment): string {
  if (p.detail?.includes('/etc/ca-certificates.conf'))
    return 'Remove the "!" in front of its line in /etc/ca-certificates.conf, then run: sudo update-ca-certificates --fresh';
  if (p.detail?.includes('blocklist') || p.detail?.includes('blacklist')) {
    return `Remove its file from that directory, then run: ${family === 'suse' ? 'sudo update-ca-certificates' : 'sudo update-ca-trust extract'}`;
  }
  return `Rebuild the store without the distrust entry: ${family === 'rhel' ? 'sudo update-ca-trust extract' : 'sudo update-ca-certificates --fresh'}`;
}

function colonHex(hex: string): string {
  return hex.match(/../g)!.join(':');
}
