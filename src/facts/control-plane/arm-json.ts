// Reading ARM's JSON defensively: each field by its type (anything else is null), strings capped,
// arrays bounded, never a throw whatever JSON arrives. Plus ARM ids, MAC addresses and the
// unverified payload of a JWT (for its oid claim). Pure.
import { truncateText } from '../../core/text-bounds';

/** A long ARM id is ~300 characters; anything longer is cut. */
const MAX_FIELD_CHARS = 1_024;

export type Json = Record<string, unknown>;

/** An object's own fields; anything else (null, a number, an array) has none. */
export const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
/** A string (capped), or null. */
export const str = (v: unknown, max = MAX_FIELD_CHARS): string | null => (typeof v === 'string' ? truncateText(v, max) : null);
/** A finite number (or a numeric string, as ARM sometimes sends), or null. */
export const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
/** A boolean (or "true"/"false"), or null. */
export const bool = (v: unknown): boolean | null =>
  typeof v === 'boolean' ? v : v === 'true' || v === 'True' ? true : v === 'false' || v === 'False' ? false : null;
/** An array's first `max` elements, or []. */
export const arr = (v: unknown, max: number): unknown[] => (Array.isArray(v) ? v.slice(0, max) : []);
/** An array of strings (others dropped), bounded. */
export const strs = (v: unknown, max: number): string[] =>
  arr(v, max)
    .map((s) => str(s))
    .filter((s): s is string => s !== null);

/** Copies the listed fields that have the expected type; the others are left out (ARM shapes with optional fields). */
export function pick<K extends string>(
  source: unknown,
  fields: Record<K, 'string' | 'number' | 'boolean' | 'strings' | 'ids'>,
  maxItems = 4_096,
): Partial<Record<K, unknown>> {
  const from = obj(source);
  const out: Partial<Record<K, unknown>> = {};
  for (const [key, kind] of Object.entries(fields) as Array<[K, string]>) {
    const v = from[key];
    if (v === undefined) continue;
    if (kind === 'string' && typeof v === 'string') out[key] = str(v)!;
    else if (kind === 'number' && num(v) !== null && typeof v === 'number') out[key] = v;
    else if (kind === 'boolean' && typeof v === 'boolean') out[key] = v;
    else if (kind === 'strings' && Array.isArray(v)) out[key] = strs(v, maxItems);
    else if (kind === 'ids' && Array.isArray(v))
      out[key] = arr(v, maxItems).map((e) => ({ ...(typeof obj(e).id === 'string' ? { id: str(obj(e).id)! } : {}) }));
  }
  return out;
}

/** The parts of an ARM resource id. */
export interface ArmId {
  subscriptionId: string;
  resourceGroup: string | null;
  /** The last type/name pair's name. */
  name: string;
}

/** Parses "/subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}[/…]"; null when it is not one. */
export function parseArmId(id: string): ArmId | null {
  const parts = id.split('/');
  if (parts[0] !== '' || parts[1]?.toLowerCase() !== 'subscriptions' || !parts[2]) return null;
  const group = parts[3]?.toLowerCase() === 'resourcegroups' ? (parts[4] ?? null) : null;
  const name = parts[parts.length - 1] ?? '';
  if (!name || parts.some((p, i) => i > 0 && p === '')) return null;
  return { subscriptionId: parts[2], resourceGroup: group, name };
}

/** An ARM id usable as a request path: starts with /subscriptions/, no empty segments, no query or fragment, no dot segments. */
export function isRequestablePath(id: string): boolean {
  return parseArmId(id) !== null && !/[?#\\]/.test(id) && !id.split('/').some((p) => p === '.' || p === '..') && id.length <= MAX_FIELD_CHARS;
}

/** The subscription scope of an ARM id or scope ("/subscriptions/{s}"), or null. */
export function subscriptionScope(scope: string): string | null {
  const m = /^\/subscriptions\/([^/]+)/i.exec(scope);
  return m ? `/subscriptions/${m[1]}` : null;
}

/** Ids are compared case-insensitively (ARM treats them so). */
export const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** "00-0D-3A-1B-C7-21", "000d3a1bc721", "00:0d:3a:1b:c7:21" → "000D3A1BC721"; null when not 12 hex digits. */
export function normaliseMac(mac: string | null | undefined): string | null {
  if (typeof mac !== 'string') return null;
  const hex = mac.replace(/[-:.\s]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(hex) ? hex : null;
}

/** The payload of a JWT, decoded without verifying it (for claims such as oid); null when it is not a JWT. The token is not kept. */
export function jwtClaims(token: string): Json | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1]!.length > 16_384) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Json) : null;
  } catch {
    return null;
  }
}

/** A GUID-shaped oid claim, or null (only a GUID may reach facts: nothing else of the token does). */
export function principalIdOf(token: string): string | null {
  const oid = jwtClaims(token)?.oid;
  return typeof oid === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(oid) ? oid.toLowerCase() : null;
}
