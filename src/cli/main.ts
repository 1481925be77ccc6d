// Process entry point: maps errors to exit codes (2 usage/input, 3 internal), never a stack
// trace unless ASR_READY_DEBUG is set, and exits only after stdout is flushed.
import { UsageError, describeError } from '../core/errors';
import { EXIT } from '../core/verdict';
import { runCli } from './run';

async function main(): Promise<number> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0); // a reader such as `head` went away
  });
  try {
    return await runCli(process.argv.slice(2), {
      env: process.env,
      platform: process.platform === 'win32' ? 'windows' : 'linux',
      stdout: process.stdout,
    });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`asr-ready: ${err.message}\nRun "asr-ready --help" for usage.\n`);
      return EXIT.usage;
    }
    process.stderr.write(`asr-ready: internal error: ${describeError(err)}\n`);
    if (process.env.ASR_READY_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT.internal;
  }
}

void main().then((code) => {
  process.exitCode = code;
  // Exit once stdout has drained: a hung socket or child must not keep a finished run alive.
  process.stdout.write('', () => process.exit(code));
});
