// Windows clock synchronisation (time.sync), from what the display language does not change:
//  - the W32Time service state, `sc query w32time`: sc's field names are not localised and the
//    state is a number ("STATE : 4  RUNNING": 1 stopped, 4 running);
//  - the client type, `reg query HKLM\SYSTEM\CurrentControlSet\Services\W32Time\Parameters /v Type`
//    (NTP, NT5DS, AllSync, NoSync: registry data, never translated);
//  - `w32tm /query /status`, read by position: its labels are localised ("Leap Indicator",
//    "Sprungindikator", "閏インジケーター"), but w32tm prints the same fields in the same order in
//    every language, each as "<label>: <value>", and the values used here are numbers: line 1 the
//    leap indicator (3 = not synchronised), line 2 the stratum (0 = unspecified), line 6 the
//    reference id (0x4C4F434C "LOCL" = the free-running local clock). Line 8 is the source's name,
//    shown as evidence only (its text, "Local CMOS Clock", is localised).
// Nothing neutral replaces w32tm's status (the registry holds configuration, not state), so its
// text is still read: decoded from the console code page, and an output with no such fields is an
// error naming the command and showing its first bytes, never a skip.
import { firstBytes } from './console-text';

/** The commands the Windows time reader spawns (besides chcp): program and arguments. */
export const W32TIME_COMMANDS = {
  service: { file: 'sc', args: ['query', 'w32time'] },
  type: { file: 'reg', args: ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters', '/v', 'Type'] },
  status: { file: 'w32tm', args: ['/query', '/status'] },
} as const;

export const LOCAL_CLOCK_REFID = 0x4c4f434c; // "LOCL"

const SERVICE_STATES = 'STOPPED|START_PENDING|STOP_PENDING|RUNNING|CONTINUE_PENDING|PAUSE_PENDING|PAUSED';

/**
 * `sc query <service>`: the numeric state (1 stopped … 4 running), or null. sc localises some field
 * names (German prints "DIENSTNAME" and "STATUS" for SERVICE_NAME and STATE), but not the state's
 * number nor its symbolic name, so the line is found by what it holds: ": <n>  RUNNING". When the
 * symbolic names are missing, the third non-blank line (SERVICE_NAME, TYPE, STATE) gives the number.
 */
export function parseScQueryState(text: string): number | null {
  const named = new RegExp(`:\\s*([1-7])\\s+(?:${SERVICE_STATES})\\b`).exec(text);
  if (named) return Number(named[1]);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const third = lines[2] ? /:\s*([1-7])(?!\d)/.exec(lines[2])?.[1] : undefined;
  return lines.length >= 3 && /:\s*\d+\s/.test(lines[1] ?? '') && third ? Number(third) : null;
}

export interface W32tmStatus {
  leapIndicator: number;
  stratum: number;
  referenceId: number | null;
  source: string | null;
}

/** The value part of a "<label>: <value>" line; a full-width colon (U+FF1A) counts too. */
function valueOf(line: string): string | null {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x3a || c === 0xff1a) return line.slice(i + 1).trim();
  }
  return null;
}

/**
 * `w32tm /query /status [/verbose]` in any language, by position (see the file comment); null when
 * the output does not have that shape (an error message, nothing, another tool's output).
 */
export function parseW32tmStatusPositional(text: string): W32tmStatus | null {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i <= text.length && lines.length < 8; i++) {
    if (i === text.length || text.charCodeAt(i) === 0x0a) {
      const line = text.slice(start, i).trim();
      if (line !== '') lines.push(line);
      start = i + 1;
    }
  }
  if (lines.length < 2) return null;
  const leap = /^(\d)(?!\d)/.exec(valueOf(lines[0]!) ?? '')?.[1];
  const stratum = /^(\d{1,2})(?!\d)/.exec(valueOf(lines[1]!) ?? '')?.[1];
  if (leap === undefined || stratum === undefined || Number(leap) > 3) return null;
  const ref = lines[5] ? /^0x([0-9a-f]{1,8})\b/i.exec(valueOf(lines[5]) ?? '')?.[1] : undefined;
  const source = lines[7] ? valueOf(lines[7]) : null;
  return { leapIndicator: Number(leap), stratum: Number(stratum), referenceId: ref === undefined ? null : Number.parseInt(ref, 16), source: source || null };
}

export interface WindowsTimeVerdict {
  synchronized: boolean | null;
  detail: string | null;
  /** Set when a source answered with nothing this reader understands: an error, not a skip. */
  problem: string | null;
}

export interface WindowsTimeInputs {
  /** sc query w32time: stdout (decoded) and exit code; or the error that kept it from running. */
  service: { text: string; code: number } | { error: string };
  type: { text: string; code: number } | { error: string };
  status: { text: string; code: number } | { error: string };
}

/** The verdict from the three sources. Pure; see the file comment for what each contributes. */
export function judgeWindowsTime(inputs: WindowsTimeInputs): WindowsTimeVerdict {
  const state = 'text' in inputs.service ? parseScQueryState(inputs.service.text) : null;
  const type = 'text' in inputs.type && inputs.type.code === 0 ? (/\bREG_SZ\s+(\S+)/.exec(inputs.type.text)?.[1] ?? null) : null;
  const typeNote = type ? `W32Time Type=${type}` : null;
  if (state === 1)
    return {
      synchronized: false,
      detail: `the Windows Time service (W32Time) is stopped (sc query w32time: STATE 1)${typeNote ? `; ${typeNote}` : ''}`,
      problem: null,
    };
  if (type && type.toLowerCase() === 'nosync')
    return { synchronized: false, detail: 'W32Time Type=NoSync: the Windows Time service is set to synchronise with nothing', problem: null };
  const { status } = inputs;
  if ('error' in status) return { synchronized: null, detail: typeNote, problem: `w32tm /query /status failed: ${status.error}` };
  const parsed = parseW32tmStatusPositional(status.text);
  if (!parsed) {
    const hresult = /0x8[0-9a-f]{7}/i.exec(status.text)?.[0];
    return {
      synchronized: null,
      detail: typeNote,
      problem: `w32tm /query /status${status.code ? ` exited with ${status.code}` : ''} printed no status fields${hresult ? ` (error ${hresult})` : ''}: ${firstBytes(status.text)}`,
    };
  }
  const facts = [
    `leap indicator ${parsed.leapIndicator}`,
    `stratum ${parsed.stratum}`,
    ...(parsed.source ? [`source: ${parsed.source}`] : []),
    ...(typeNote ? [typeNote] : []),
  ].join(', ');
  const unsynced = parsed.leapIndicator === 3 || parsed.stratum === 0 || parsed.referenceId === LOCAL_CLOCK_REFID;
  return { synchronized: !unsynced, detail: facts, problem: null };
}
