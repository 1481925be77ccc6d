// The facts a check can declare in `needs`, in plain words: what each is and where it is read from.
// `asr-ready explain ID` prints these; the Record type makes a new FactName a compile error until
// it is described here (test/checks/fact-descriptions.test.ts checks the same at run time).
import type { FactName } from './check-context';

export interface FactDescription {
  /** What the fact is, in a few words. */
  what: string;
  /** Where it is read from: files, programs, services. */
  sources: string;
}

export const FACT_DESCRIPTIONS: Readonly<Record<FactName, FactDescription>> = {
  host: {
    what: 'the operating system, its version and the machine',
    sources: '/etc/os-release (or /usr/lib/os-release), uname and the kernel release; on Windows the registry CurrentVersion key',
  },
  trustStore: {
    what: 'the OS trust store',
    sources:
      "/etc/ssl/certs/ca-certificates.crt or the distro's bundle and hashed directory (or --trust-store, SSL_CERT_FILE/SSL_CERT_DIR); on Windows the registry certificate stores (LocalMachine Root and AuthRoot)",
  },
  proxySettings: {
    what: 'the proxy the Mobility service would use',
    sources:
      'the Mobility service ProxyInfo.conf, https_proxy/no_proxy in the environment and /etc/environment, --proxy; on Windows the WinHTTP and registry settings',
  },
  azureMetadata: {
    what: 'what the Azure Instance Metadata Service says of this VM (region, cloud, size, disks)',
    sources:
      'the chassis asset tag (/sys/class/dmi/id/chassis_asset_tag, on Windows SMBIOS), then IMDS at http://169.254.169.254/metadata/instance (or --imds-endpoint), never through a proxy',
  },
  mobilityConfig: {
    what: 'the Mobility service configuration, where it is installed',
    sources: 'the Mobility agent configuration files under /usr/local/ASR (on Windows its Program Files and registry entries)',
  },
  endpointProbes: {
    what: 'probes of the Azure endpoints Site Recovery uses (DNS, TCP, proxy CONNECT, TLS, HTTP)',
    sources: 'the endpoint catalog (src/catalog/azure-endpoints.json) for the region and cloud, sent from this machine through the guest proxy and trust store',
  },
  linuxGuest: {
    what: 'the Linux guest: kernel, boot configuration, mounts, disks, storage stack, vCPUs and memory',
    sources:
      '/proc/cmdline, /proc/mounts, /proc/cpuinfo, /proc/meminfo, /sys/block, /boot/grub*/grub.cfg, /etc/default/grub, grubenv, BLS entries, /etc/fstab, LVM and multipath configuration',
  },
  fips: {
    what: 'whether FIPS mode is on',
    sources: '/proc/sys/crypto/fips_enabled, fips= on /proc/cmdline and in the boot configuration; on Windows the FipsAlgorithmPolicy Enabled policy value',
  },
  resources: {
    what: 'the vCPUs and memory the guest sees',
    sources: '/proc/cpuinfo and /proc/meminfo; on Windows the running system (CIM)',
  },
  windowsGuest: {
    what: 'the Windows guest: edition and build, services, updates, pending reboot, volumes and disks',
    sources: 'the registry, the service manager, installed updates (Get-HotFix) and the storage cmdlets, read from the running system',
  },
  freeSpace: {
    what: 'free space on the root file system and where the Mobility service installs',
    sources: 'statfs of / and the install path (/usr/local/ASR; on Windows the system drive and the Program Files path)',
  },
  timeSync: {
    what: 'whether the clock is synchronised',
    sources: 'timedatectl, chronyc, ntpq (Linux); w32tm (Windows)',
  },
  churn: {
    what: 'disk write throughput over a sample (only with --churn-sample SECONDS)',
    sources: '/proc/diskstats sampled over the given seconds (on Windows the disk performance counters)',
  },
  controlPlane: {
    what: "this VM's Azure resources as ARM describes them (VM, NICs, subnets, NSGs, route tables, vaults, target region, SKUs and quotas)",
    sources:
      "Azure Resource Manager, read with the VM's managed identity (or a service principal) obtained through IMDS, through the guest proxy and trust store",
  },
  cacheUpload: {
    what: 'a test upload of 4 MiB to the cache storage account (only with --cache-upload-test[-file])',
    sources:
      'a container SAS URL given on the command line or in a file; the upload goes through the guest proxy and trust store, and the blob is deleted after',
  },
};

/** The description of a fact name; a name that is no fact is shown as itself. */
export function describeFact(name: string): FactDescription {
  return (FACT_DESCRIPTIONS as Readonly<Record<string, FactDescription>>)[name] ?? { what: name, sources: 'unknown' };
}
