// %ProgramData% paths on Windows. A service or scheduled task may run without the variable set,
// so the folder Windows uses by default stands in for it.
import path from 'node:path';

export function programDataPath(env: NodeJS.ProcessEnv, ...parts: string[]): string {
  return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', ...parts);
}
