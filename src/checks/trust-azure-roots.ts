// Check trust.azure-roots (ASR error 151066): does the guest's own trust store hold the roots
// that Azure Storage and Entra ID chain to? Judged per root from the catalog; never fails a guest
// for lacking the expired or legacy roots named by the old 151066 article.
import type { CheckOutcome } from '../core/finding';
import type { CatalogRoot, RootCatalog } from '../catalog/azure-roots';
import type { LinuxTrustStore, TrustStoreFacts, WindowsTrustStore } from '../facts/trust-store';
import { defineCheck } from './helpers/check-context';
import { assessLinuxRoot, assessWindowsRoot, type RootAssessment } from './helpers/trust-root-assessment';
import { linuxRemediation, windowsRemediation } from './helpers/trust-remediation';

export const ASR_TRUST_ERROR = 151066;
const EXPIRY_WARNING_DAYS = 365;

export const trustAzureRoots = defineCheck({
  id: 'trust.azure-roots',
  title: 'Trusted root certificates for Azure endpoints',
  description:
    'The Mobility service verifies Azure Storage, Entra ID and Site Recovery with the guest OS trust store. ' +
    'Without DigiCert Global Root G2 (and the other Azure roots) enabling replication fails with error 151066.',
  platforms: ['linux', 'windows'],
  timeoutMs: 30_000,
  needs: ['trustStore'],
  explain: {
    judges:
      "Per root of the Azure root catalog: a required root missing from the guest's store fails, a secondary one warns, one expiring within a year warns; the expired or legacy roots of the old 151066 article are never required.",
    sources: ['the Azure root catalog (src/catalog/azure-roots.json)'],
    catalogs: ['azureRoots'],
    asrErrorCodes: [ASR_TRUST_ERROR],
    remediation: 'Install the CA certificates package (or the missing roots) and rebuild the store; on Windows, update the root certificates.',
  },
  async run(ctx) {
    return [evaluateAzureRoots(await ctx.facts.trustStore(), ctx.catalog.azureRoots, ctx.now)];
  },
});

export function evaluateAzureRoots(store: TrustStoreFacts, catalog: RootCatalog, now: Date): CheckOutcome {
  return store.platform === 'linux' ? evaluateLinux(store, catalog, now) : evaluateWindows(store, catalog, now);
}

function evaluateLinux(store: LinuxTrustStore, catalog: RootCatalog, now: Date): CheckOutcome {
  const problems = store.sources.flatMap((s) => s.problems);
  const usable = store.sources.filter((s) => s.exists && s.certificates > 0);
  const storeEvidence = {
    platform: 'linux',
    family: store.family,
    origin: store.origin,
    sources: store.sources,
    certificateCount: store.certificates.size,
    distrustEntries: store.distrusted.slice(0, 50),
    caPackage: store.caPackage,
    opensslEnv: store.opensslEnv,
  };
  // A package database cut at its cap or unreadable: the CA package may be past the cut, and the
  // bundle's age is then judged from file times.
  const notJudged = store.caPackageNotes ?? [];
  const packageUnjudged =
    store.caPackage === null && notJudged.length > 0
      ? `The CA package version was not judged (${notJudged.join('; ')}); the bundle's age is taken from its files' modification times.`
      : null;
  const withNotJudged = notJudged.length ? { notJudged } : {};
  if (usable.length === 0) {
    const looked = store.sources.map((s) => s.path).join(', ');
    return {
      status: 'fail',
      summary: `No usable trust store: none of ${looked} holds a certificate, so the Mobility service cannot verify any Azure endpoint (error 151066).`,
      remediation: `Install the CA certificates package and rebuild the store (${store.refreshCommand}); then run asr-ready again.`,
      asrErrorCodes: [ASR_TRUST_ERROR],
      evidence: { store: storeEvidence, roots: [], problems, catalogVersion: catalog.version, ...withNotJudged },
    };
  }
  const roots = catalog.roots.map((root) => assessLinuxRoot(root, store, now));
  const bundleDate = store.caPackage?.date ?? newestModified(store);
  const staleBundle = staleBundleNote(bundleDate, catalog.roots);
  const outcome = judge(roots, staleBundle, catalog, (failing) => linuxRemediation(store.family, failing, catalog.roots, store.anchorDirectory));
  const where = usable.map((s) => s.path).join(' and ');
  return {
    ...outcome,
    summary: `${outcome.summary} (store: ${where}${store.origin === 'override' ? ', from --trust-store' : ''}).${packageUnjudged ? ` ${packageUnjudged}` : ''}`,
    evidence: {
      store: storeEvidence,
      bundleDate,
      roots,
      problems,
      notes: [...notes(roots, staleBundle, opensslEnvNote(store)), ...(packageUnjudged ? [packageUnjudged] : [])],
      catalogVersion: catalog.version,
      ...withNotJudged,
    },
  };
}

function evaluateWindows(store: WindowsTrustStore, catalog: RootCatalog, now: Date): CheckOutcome {
  const problems = [
    ...Object.values(store.stores)
      .map((s) => s.problem)
      .filter((p): p is string => p !== null),
    ...(store.policyProblem ? [store.policyProblem] : []),
  ];
  const storeEvidence = {
    platform: 'windows',
    stores: Object.fromEntries(
      Object.entries(store.stores).map(([name, s]) => [name, { read: s.read, certificates: s.entries.length, ...(s.sources ? { sources: s.sources } : {}) }]),
    ),
    disableRootAutoUpdate: store.disableRootAutoUpdate,
  };
  // A store not read (or read as empty: a Root store never is) cannot be judged: an error, never "installs on demand".
  const unread = (['Root', 'Disallowed'] as const).filter((name) => !store.stores[name].read);
  if (unread.length > 0) {
    const which = unread.map((name) => `LocalMachine ${name}`).join(' and ');
    return {
      status: 'error',
      summary: `Could not read the ${which} store, so the Azure roots could not be checked: ${unread.map((name) => store.stores[name].problem ?? 'not read').join('; ')}.`,
      remediation: `Run asr-ready as an administrator (or as SYSTEM), and check the store by hand: ${unread.map((name) => `reg query HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\${name === 'Root' ? 'ROOT' : name}\\Certificates`).join(' and ')} (or certlm.msc).`,
      evidence: { store: storeEvidence, roots: [], problems, catalogVersion: catalog.version },
    };
  }
  const roots = catalog.roots.map((root) => assessWindowsRoot(root, store, now));
  const outcome = judge(roots, null, catalog, (failing) => windowsRemediation(failing, catalog.roots, store.disableRootAutoUpdate === true));
  return {
    ...outcome,
    summary: `${outcome.summary}.`,
    evidence: { store: storeEvidence, roots, problems, notes: notes(roots, null, null), catalogVersion: catalog.version },
  };
}

type Judged = Pick<CheckOutcome, 'status' | 'summary' | 'remediation' | 'asrErrorCodes'> & { summary: string };

/** The rules of the issue: fail on required roots, warn on secondary roots, expiry within a year and stale bundles. */
function judge(roots: RootAssessment[], staleBundle: string | null, catalog: RootCatalog, remediate: (problems: RootAssessment[]) => string): Judged {
  const current = roots.filter((r) => r.catalogStatus === 'required' || r.catalogStatus === 'secondary');
  const hardFail = (r: RootAssessment) => r.catalogStatus === 'required' && r.state !== 'trusted' && r.state !== 'installs-on-demand';
  const failing = current.filter(hardFail);
  const warning = current.filter((r) => !hardFail(r) && r.state !== 'trusted');
  const expiring = current.filter((r) => r.state === 'trusted' && r.expiresInDays < EXPIRY_WARNING_DAYS);

  if (failing.length > 0) {
    const what = failing.map((r) => `${r.name} is ${describeState(r)}`).join('; ');
    const endpoints = [...new Set(failing.flatMap((r) => catalog.roots.find((c) => c.id === r.id)?.endpoints ?? []))];
    return {
      status: 'fail',
      summary: `${what}: the Mobility service cannot verify ${endpoints.length ? endpoints.join(' and ') : 'Azure endpoints'}, so enabling replication fails with error ${ASR_TRUST_ERROR}`,
      remediation: remediate([...failing, ...warning]),
      asrErrorCodes: [ASR_TRUST_ERROR],
    };
  }
  const trustedRequired = current.filter((r) => r.catalogStatus === 'required' && r.state === 'trusted').map((r) => r.name);
  const secondaryTrusted = current.filter((r) => r.catalogStatus === 'secondary' && r.state === 'trusted').length;
  const secondaryTotal = current.filter((r) => r.catalogStatus === 'secondary').length;
  const base = trustedRequired.length
    ? `The guest trusts ${trustedRequired.join(', ')} (the root Azure Storage and Entra ID chain to) and ${secondaryTrusted} of ${secondaryTotal} other Azure roots`
    : `The required Azure roots are not installed yet but Windows installs them on demand; ${secondaryTrusted} of ${secondaryTotal} other Azure roots are present`;
  const warnings = [
    ...warning.map((r) => `${r.name} is ${describeState(r)}`),
    ...expiring.map((r) => `${r.name} expires on ${r.notAfter.slice(0, 10)}`),
    ...(staleBundle ? [staleBundle] : []),
  ];
  if (warnings.length > 0) {
    return {
      status: 'warn',
      summary: `${base}, but ${warnings.join('; ')}`,
      remediation: remediate([...warning, ...expiring]),
      asrErrorCodes: [ASR_TRUST_ERROR],
    };
  }
  return { status: 'pass', summary: base, remediation: null, asrErrorCodes: [] };
}

function describeState(r: RootAssessment): string {
  switch (r.state) {
    case 'missing':
      return r.detail ? `missing (${r.detail})` : 'missing';
    case 'expired':
      return `expired (${r.notAfter.slice(0, 10)})`;
    case 'distrusted':
      return `distrusted (${r.detail})`;
    case 'unreachable':
      return `not reachable by OpenSSL (${r.detail})`;
    case 'installs-on-demand':
      return 'not installed yet (Windows installs it on demand)';
    default:
      return 'trusted';
  }
}

function notes(roots: RootAssessment[], staleBundle: string | null, env: string | null): string[] {
  const out: string[] = [];
  const legacy = roots.filter((r) => r.catalogStatus === 'legacy-named-by-asr-docs' || r.catalogStatus === 'expired');
  const absentLegacy = legacy.filter((r) => r.state !== 'trusted');
  if (absentLegacy.length > 0) {
    out.push(
      `Not needed: ${absentLegacy.map((r) => r.name).join(', ')}. Microsoft's 151066 article still names them, but Baltimore CyberTrust Root expired on 2025-05-12, ` +
        'VeriSign G5 was never an Azure root, and DigiCert Global Root CA lost browser TLS trust on 2026-04-15; Azure endpoints chain to DigiCert Global Root G2 and the other roots checked here.',
    );
  }
  if (staleBundle) out.push(staleBundle);
  if (env) out.push(env);
  return out;
}

function staleBundleNote(bundleDate: string | null, roots: CatalogRoot[]): string | null {
  const since = roots
    .filter((r) => r.status === 'required' && r.azureChainsSince)
    .map((r) => r.azureChainsSince!)
    .sort()
    .at(-1);
  if (!bundleDate || !since || bundleDate.slice(0, 10) >= since) return null;
  return `the CA bundle dates from ${bundleDate.slice(0, 10)}, before Azure moved to its current roots (${since}); update the CA package`;
}

function newestModified(store: LinuxTrustStore): string | null {
  return (
    store.sources
      .map((s) => s.modifiedAt)
      .filter((d): d is string => d !== null)
      .sort()
      .at(-1) ?? null
  );
}

function opensslEnvNote(store: LinuxTrustStore): string | null {
  const { SSL_CERT_FILE, SSL_CERT_DIR } = store.opensslEnv;
  if (!SSL_CERT_FILE && !SSL_CERT_DIR) return null;
  const set = [SSL_CERT_FILE && `SSL_CERT_FILE=${SSL_CERT_FILE}`, SSL_CERT_DIR && `SSL_CERT_DIR=${SSL_CERT_DIR}`].filter(Boolean).join(', ');
  const judged = new Set(store.sources.map((s) => s.path));
  const elsewhere = [SSL_CERT_FILE, SSL_CERT_DIR].filter((p): p is string => Boolean(p) && !judged.has(p!));
  if (elsewhere.length === 0) return `This shell sets ${set}, which point at the store judged here.`;
  return (
    `This shell sets ${set}; OpenSSL-based clients started from it trust ${elsewhere.join(' and ')} instead of the system store. ` +
    'Services such as the Mobility service do not inherit it, so the system store judged here is what counts.'
  );
}
