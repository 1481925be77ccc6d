// Why the spool cannot be used, as a named condition: the report's `delivery.spool.condition` and
// one stderr line say which (read-only, full, forbidden, ...) and what to do. Never an exit 3.
export type SpoolConditionCode = 'read-only' | 'full' | 'forbidden' | 'not-a-directory' | 'unusable';

export interface SpoolCondition {
  code: SpoolConditionCode;
  /** The system error code behind it (EROFS, ENOSPC, EACCES, ...), when there was one. */
  errno: string | null;
  message: string;
}

const CODES: Record<string, SpoolConditionCode> = {
  EROFS: 'read-only',
  ENOSPC: 'full',
  EDQUOT: 'full',
  EFBIG: 'full',
  EACCES: 'forbidden',
  EPERM: 'forbidden',
  ENOTDIR: 'not-a-directory',
  EEXIST: 'not-a-directory',
};

const WHAT: Record<SpoolConditionCode, string> = {
  'read-only': 'is on a read-only file system',
  full: 'is on a full file system (or over its quota)',
  forbidden: 'may not be written by this user',
  'not-a-directory': 'is not a directory',
  unusable: 'cannot be used',
};

const TODO: Record<SpoolConditionCode, string> = {
  'read-only': 'give --spool-dir on a writable disk, or remount it read-write',
  full: 'free space on that disk or give --spool-dir on another one',
  forbidden: 'run as the user that owns it (root for the installed timer) or give --spool-dir that this user owns',
  'not-a-directory': 'remove what is there or give another --spool-dir',
  unusable: 'check the folder, or give another --spool-dir',
};

export function isSpoolConditionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code in CODES;
}

/** `while` says what was being done: "writing this run's report", "claiming a spooled report". */
export function spoolCondition(dir: string, err: unknown, while_: string): SpoolCondition {
  const errno = (err as NodeJS.ErrnoException | null)?.code ?? null;
  const code = (errno && CODES[errno]) || 'unusable';
  const detail = errno ?? (err instanceof Error ? err.message : String(err));
  return {
    code,
    errno,
    message: `the spool directory ${dir} ${WHAT[code]} (${detail}, while ${while_}): reports that cannot be delivered now are not kept for a later run; ${TODO[code]}`,
  };
}
