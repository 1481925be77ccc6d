// --help text. Kept next to the parser so the two change together.
import { ALL_CHECKS } from '../checks/registry';
import { DEFAULT_DEADLINE_SECONDS } from './args';

export function helpText(version: string): string {
  return `asr-ready ${version}: is this Azure VM ready for Azure Site Recovery (Azure-to-Azure) replication?

Usage: asr-ready [check] [options]
       asr-ready rules --target-region NAME [rules options]
       asr-ready checks [--output text|json]
       asr-ready explain ID|FAMILY [--output text|json]

Options:
  -o, --output text|json|compact
                            Output format (default: text). compact fits the 4,096 bytes the Custom
                            Script Extension keeps. The verdict line is always printed last.
      --config FILE         Read options from this JSON file (default /etc/asr-ready/config.json
                            when present); ASR_READY_<OPTION> variables override it, flags both.
      --json                Same as --output json: stdout is exactly one JSON report.
      --checks ID,...       Run only these checks; an ID or a prefix such as "trust." (repeatable).
      --skip ID,...         Skip these checks or prefixes (repeatable).
      --fail-on fail|warn|never
                            Which findings make the exit code 1 (default: fail).
      --deadline SECONDS    Time bound for the whole run (default: ${DEFAULT_DEADLINE_SECONDS}).
      --trust-store PATH    Judge TLS trust with this CA bundle file or certificate directory
                            instead of the detected Linux store (repeatable).
      --root DIR            Read file-based facts (/etc, /proc, /sys, trust stores) under DIR,
                            e.g. a mounted disk image.
      --log-level LEVEL     fatal, error, warn (default), info, debug, trace or silent; logs go to stderr.
  -q, --quiet               No progress line on stderr (shown only when stderr is a terminal, and
                            not when NO_PROGRESS is set); the report is the same.
      --churn-sample SECONDS
                            Measure disk write churn for this long (storage.churn; off by default).
                            Needs a --deadline at least 30 s longer.

Network options:
      --proxy URL           Use this proxy (http://host:port) instead of the one the guest is
                            configured with (ProxyInfo.conf, /etc/environment, WinINET).
      --no-proxy            Connect directly, whatever the guest's proxy settings say.
      --cache-storage-account NAME
                            The cache storage account Site Recovery uses (repeatable); without
                            it the storage path cannot be confirmed.
      --endpoint HOST[:PORT]
                            Also probe this host (repeatable): a concrete Site Recovery or
                            Service Bus host, or any other name.
      --connect-to HOST1:PORT1:HOST2:PORT2
                            Connect to HOST2:PORT2 instead, keeping HOST1 for SNI, certificate
                            checks and Host (curl's meaning; repeatable).
      --region NAME         Source region (default: from IMDS).
      --cloud NAME          AzureCloud, AzureUSGovernment or AzureChinaCloud (default: from IMDS).
      --imds-endpoint URL   Read instance metadata here (default: http://169.254.169.254, only
                            contacted on an Azure VM).
      --cache-upload-test-file FILE
                            Upload a 4 MiB test blob to the cache storage account and delete it
                            (network.cache-upload; off by default): FILE holds a container SAS URL
                            with write and create permission (sp=cw). --cache-upload-test SAS-URL
                            takes it on the command line, where other users can see it.

Control-plane options (Azure Resource Manager, read with the VM's identity; Reader is enough):
      --target-region NAME  The region to replicate to ("westus2" or "West US 2"): its quota and
                            the VM size's availability there are read.
      --arm-endpoint URL    Read ARM here (https://) instead of the cloud's endpoint (labs, tests).
      --arm-ca-file FILE    Also trust this CA (PEM) for --arm-endpoint (repeatable).
                            The identity is the delivery options' own: the managed identity
                            (--identity-client-id for a user-assigned one) or the service principal.
  -h, --help                Show this help.
  -V, --version             Show the version.

Delivery options (the verdict and exit code never depend on delivery):
      --report-url URL      POST the JSON report to this https:// collector.
      --report-token-file FILE
                            Bearer token for the collector, read from a file.
      --report-ca-file FILE Also trust this CA (PEM) for uploads (repeatable).
      --allow-insecure-report-url
                            Allow an http:// --report-url.
      --log-analytics-endpoint URL --dcr-id ID --stream NAME
                            Send rows to Azure Monitor through the Logs Ingestion API.
      --identity-client-id ID
                            User-assigned managed identity to use (default: system-assigned).
      --tenant-id ID --client-id ID --client-secret-file FILE
                            Use a service principal (secret also from ASR_READY_CLIENT_SECRET).
      --spool-dir DIR       Where undelivered reports wait (default /var/lib/asr-ready/spool).
      --spool-max-files N   At most N spooled reports (default 100); --spool-max-mb N (default 50).
      --delivery-timeout SECONDS
                            Time bound for delivery (default 60); --delivery-attempts N (default 4).

Rules command: print the outbound rules this VM needs for Site Recovery (NSG service tags on
TCP 443 for the source and the target region's NSG, and the URLs for a firewall or proxy
allow-list), from the catalogs. No identity is needed; IMDS is read only for the source region.
      --target-region NAME  The region to replicate to (required).
      --region NAME         Source region (default: IMDS compute.location; off Azure, required).
      --cloud NAME          Default: IMDS compute.azEnvironment, else the source region's cloud.
  -o, --output text|az|az-powershell|bicep|json
                            text (default); az network nsg rule create commands for sh, or quoted
                            for PowerShell; a Bicep securityRules snippet per NSG; or JSON.
                            Read from the command line only (a configured output is the check's).
      --include-optional    Also make rules for AzureKeyVault and GuestAndHybridManagement.
      --priority N          Priority of the first rule (default 200; the next ones by 10).
      --cache-storage-account NAME
                            Name the account's host in the allow-list instead of *.blob...
      --imds-endpoint URL, --config FILE  As for the check.
  Exit: 0 printed, the region pair is supported (or cannot be judged: a warning);
        1 printed, but Site Recovery does not accept the pair (e.g. a restricted region for
          another region's disaster recovery, a source-only target, or two clouds): the
          judgement is in the text, and on stderr and as a comment in az and bicep output;
        2 a bad option, a region the catalog does not list, or no source region (give --region).

Checks command: list every check (ID, family, platforms, scope, title). Explain command: what one
check reads (its facts and where they come from), how it judges, the reference rows, sources and
catalogs it follows, the ASR error codes and remediation it can give, its scope and time bound;
a family (e.g. explain trust) lists its checks. -o, --output text|json (default text).
  Exit: 0 printed; 2 a bad option or an ID that names no check.

Exit codes:
  0  ready (nothing failed, or only findings below --fail-on)
  1  not ready (a finding at or above --fail-on; a check that could not run counts as failed)
  2  usage, configuration or unreadable input
  3  internal error

Checks:
${ALL_CHECKS.map((c) => `  ${c.id.padEnd(24)} ${c.title}`).join('\n')}
`;
}
