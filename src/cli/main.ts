// Process entry point: maps errors to exit codes (2 usage/input, 3 internal, 128 + n after
// SIGHUP/SIGINT/SIGTERM: signals.ts), never a stack trace unless ASR_READY_DEBUG is set, and exits
// only after stdout is flushed. --version is
// answered before the app bundle (everything else, load-app.ts) is even parsed, so the single
// binary starts fast for it.
import { describeError } from '../core/errors';
import { EXIT } from '../core/verdict';
import { loadApp } from './load-app';
import { sizeResolverPool } from '../net/resolver-pool';
import { exitCodeForSignal, handleShutdownSignals, type ShutdownHandling } from './signals';
import pkg from '../../package.json';

let shutdown: ShutdownHandling | undefined;

async function main(argv: string[]): Promise<number> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0); // a reader such as `head` went away
  });
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`asr-ready ${pkg.version}\n`);
    return EXIT.ready;
  }
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help')) {
    process.stdout.write(await loadApp().helpText(pkg.version));
    return EXIT.ready;
  }
  // Before anything starts libuv's thread pool (libuv reads its size once): name lookups block pool
  // threads, and the probes look up every endpoint at once (src/net/dns-lookup.ts).
  sizeResolverPool(process.env, argv.filter((a) => a === '--endpoint' || a.startsWith('--endpoint=')).length);
  // Before the app loads: a signal at any later instant ends the run with a report.
  shutdown = handleShutdownSignals(process, { stderr: (text) => process.stderr.write(text), exit: (code) => process.exit(code) });
  let app: ReturnType<typeof loadApp> | undefined;
  try {
    app = loadApp();
    return await app.runCli(argv, {
      env: process.env,
      platform: process.platform === 'win32' ? 'windows' : 'linux',
      stdout: process.stdout,
      stderr: process.stderr,
      stop: shutdown.stop,
    });
  } catch (err) {
    // The app bundle has its own copy of UsageError: ask it, not this bundle's class.
    if (app?.isUsageError(err) && err instanceof Error) {
      process.stderr.write(`asr-ready: ${err.message}\nRun "asr-ready --help" for usage.\n`);
      return EXIT.usage;
    }
    process.stderr.write(`asr-ready: internal error: ${describeError(err)}\n`);
    if (process.env.ASR_READY_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT.internal;
  }
}

void main(process.argv.slice(2)).then((result) => {
  // A run a signal cut short says so in its exit code, whatever its findings.
  const signal = shutdown?.received();
  const code = signal ? exitCodeForSignal(signal) : result;
  process.exitCode = code;
  // Exit once stdout has drained: a hung socket or child must not keep a finished run alive.
  process.stdout.write('', () => process.exit(code));
});
