// The spool's file names. An entry is "<createdAt>-<runId>.json"; while a run sends it, it is renamed
// to "<entry>.claim-<ms>-<pid>-<host>.<nonce>": the rename is atomic, so of two runs only one gets it, and
// a claim whose holder died (same host, pid gone) or that is older than a bound is renamed back.
// Temporary files ".tmp-<ms>-<pid>-<host>-<random>" carry their writer the same way.
import { randomBytes } from 'node:crypto';
import os from 'node:os';

export const TMP_PREFIX = '.tmp-';
export const QUARANTINE_SUFFIX = '.corrupt';
const CLAIM = /^(.+\.json)\.claim-(\d+)-(\d+)-([A-Za-z0-9_-]*)\.[0-9a-f]+$/;
const TMP = /^\.tmp-(\d+)-(\d+)-([A-Za-z0-9_-]*)-[0-9a-f]+$/;

/** The host as it can appear in a file name: the spool may sit on a share several VMs see. */
export const THIS_HOST = os
  .hostname()
  .replace(/[^A-Za-z0-9-]/g, '_')
  .slice(0, 63);

export interface Holder {
  ms: number;
  pid: number;
  host: string;
}

export function claimName(entry: string, now = Date.now()): string {
  return `${entry}.claim-${now}-${process.pid}-${THIS_HOST}.${randomBytes(3).toString('hex')}`;
}

export function tmpName(now = Date.now()): string {
  return `${TMP_PREFIX}${now}-${process.pid}-${THIS_HOST}-${randomBytes(6).toString('hex')}`;
}

export function parseClaim(name: string): (Holder & { entry: string }) | null {
  const m = CLAIM.exec(name);
  return m ? { entry: m[1]!, ms: Number(m[2]), pid: Number(m[3]), host: m[4]! } : null;
}

/** Null for a temporary file of an older version (".tmp-<uuid>"): judged by its age alone. */
export function parseTmp(name: string): Holder | null {
  const m = TMP.exec(name);
  return m ? { ms: Number(m[1]), pid: Number(m[2]), host: m[3]! } : null;
}

export function isEntryName(name: string): boolean {
  return name.endsWith('.json') && !name.startsWith('.');
}

/**
 * The holder is gone: it ran on this host and its process no longer exists, or it is older than
 * the bound (a run on another host, or a pid reused). `mine` is what this process holds now:
 * another file with this process's pid was left by an earlier process that had the same pid.
 */
export function holderGone(holder: Holder, boundMs: number, mine: boolean, now = Date.now()): boolean {
  if (now - holder.ms > boundMs) return true;
  if (holder.host !== THIS_HOST) return false;
  if (holder.pid === process.pid) return !mine;
  return !processAlive(holder.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
