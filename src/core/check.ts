// The Check interface: a small declarative object whose run() judges what its context gives it.
// The context's type is chosen by the layer that defines checks: core knows no fact.
import type { CheckOutcome } from './finding';

export type Platform = 'linux' | 'windows';

/** What `asr-ready explain ID` says of a check beyond its description: taken from the check's own constants. */
export interface CheckExplanation {
  /** How the check judges: what passes, warns and fails, in a sentence or two. */
  judges: string;
  /** The reference rows and documents it follows. */
  sources: readonly string[];
  /** The catalogs it judges against, by name (azureRoots, supportMatrix, endpoints, vmSizes, siteRecoveryRegions): their own sources are shown with them. */
  catalogs?: readonly string[];
  /** The ASR error codes its findings can name. */
  asrErrorCodes?: readonly number[];
  /** The remediation it can give, in short. */
  remediation?: string;
}

export interface Check<Context = unknown> {
  id: string;
  title: string;
  /** What the check verifies and why it matters for Site Recovery. */
  description: string;
  platforms: readonly Platform[];
  /**
   * What the check looks at. 'this-machine': the machine asr-ready runs on (its network path, clock,
   * IMDS, live disk I/O), not the guest's files; under --root that is not the image, so such a check
   * runs only when --checks selects it. Default 'guest-files'.
   */
  scope?: 'guest-files' | 'this-machine';
  /** Upper bound for this check; the run deadline may cut it shorter. */
  timeoutMs: number;
  /** The names of the facts run() reads: its context holds these and no others. */
  needs: readonly string[];
  /** For `asr-ready explain`: how it judges, its sources, error codes and remediation. */
  explain?: CheckExplanation;
  run(ctx: Context): Promise<CheckOutcome[]>;
}
