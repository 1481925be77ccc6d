// The api-version of each ARM call: the newest stable version in the reference's table
// (shared/reference/azure-control-plane.md §2, from the Azure/azure-rest-api-specs snapshot).
// Sovereign clouds may lag behind these (unconfirmed, reference §7); the older stable versions the
// table names are kept beside each, for the day a cloud refuses the newest.

export const ARM_API_VERSIONS = {
  /** 2.1 GET …/Microsoft.RecoveryServices/vaults (older: 2025-02-01). */
  vaults: '2025-08-01',
  /** 2.2 GET …/virtualMachines/{vm} (older: 2025-11-01, 2025-04-01, 2024-07-01). */
  virtualMachines: '2026-03-01',
  /** 2.3 GET …/locations/{loc}/usages: as 2.2. */
  usages: '2026-03-01',
  /** 2.4 GET …/Microsoft.Compute/skus: the only current stable version. */
  resourceSkus: '2021-07-01',
  /** 2.5 GET …/storageAccounts/{a} and …/blobServices/default (older: 2025-06-01). */
  storage: '2025-08-01',
  /** 2.6 NICs, subnets, NSGs, route tables (older: 2025-05-01, 2024-05-01). */
  network: '2025-07-01',
  /** 2.7 GET …/locations/{loc}/serviceTags. */
  serviceTags: '2025-07-01',
  /** 2.9 GET …/replicationEligibilityResults/default. */
  replicationEligibility: '2025-01-01',
} as const;

/** The IMDS instance document version azure-metadata.ts reads too (reference §1.3). */
export const IMDS_INSTANCE_API_VERSION = '2021-12-13';
