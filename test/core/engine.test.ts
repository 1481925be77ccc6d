import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/core/check';
import { runChecks } from '../../src/core/engine';
import { exitCodeFor, verdictOf } from '../../src/core/verdict';
import type { Finding } from '../../src/core/finding';

// The engine knows no facts: these checks get only what it passes on, their signal and the time.
interface TestContext {
  signal: AbortSignal;
  now: Date;
}
type TestCheck = Check<TestContext>;
const context = (_check: TestCheck, signal: AbortSignal): TestContext => ({ signal, now: new Date() });
const deadline = (ms: number) => AbortSignal.timeout(ms);

function check(id: string, run: TestCheck['run'], timeoutMs = 1000): TestCheck {
  return { id, title: `Title of ${id}`, description: '', platforms: ['linux'], timeoutMs, needs: [], run };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

describe('runChecks', () => {
  it('keeps registry order whatever the completion order, and adds id, title and timing', async () => {
    const checks = [
      check('a.slow', async () => (await sleep(60), [{ status: 'pass', summary: 'slow' }])),
      check('b.fast', async () => [{ status: 'warn', summary: 'fast', asrErrorCodes: [151066] }]),
    ];
    const findings = await runChecks(checks, context, { deadline: deadline(5000), concurrency: 4 });
    expect(findings.map((f) => [f.checkId, f.status, f.title, f.summary])).toEqual([
      ['a.slow', 'pass', 'Title of a.slow', 'slow'],
      ['b.fast', 'warn', 'Title of b.fast', 'fast'],
    ]);
    expect(findings[0]!.durationMs).toBeGreaterThanOrEqual(50);
    expect(findings[1]!.asrErrorCodes).toEqual([151066]);
  });

  it("builds each check's context from the check itself, with that check's own signal", async () => {
    const built: string[] = [];
    const signals = new Set<AbortSignal>();
    const checks = [
      check('a.one', async (ctx) => (signals.add(ctx.signal), [{ status: 'pass', summary: 'one' }])),
      check('b.two', async (ctx) => (signals.add(ctx.signal), [{ status: 'pass', summary: 'two' }])),
    ];
    await runChecks(checks, (c, signal) => (built.push(c.id), context(c, signal)), { deadline: deadline(5000), concurrency: 2 });
    expect(built).toEqual(['a.one', 'b.two']);
    expect(signals.size).toBe(2);
  });

  it('turns a throwing check into an error finding that names it, and runs the others', async () => {
    const checks = [
      check('a.broken', async () => {
        throw new TypeError('cannot read x of undefined');
      }),
      check('b.fine', async () => [{ status: 'pass', summary: 'ok' }]),
    ];
    const findings = await runChecks(checks, context, { deadline: deadline(5000), concurrency: 1 });
    expect(findings[0]).toMatchObject({ checkId: 'a.broken', status: 'error', evidence: { errorKind: 'exception' } });
    expect(findings[0]!.summary).toBe(
      'Check a.broken failed unexpectedly: cannot read x of undefined; its result is unknown, so readiness cannot be confirmed.',
    );
    expect(findings[1]).toMatchObject({ checkId: 'b.fine', status: 'pass' });
  });

  it('ends a check at its own time bound and aborts its signal', async () => {
    let aborted = false;
    const hang = check(
      'a.hang',
      async (ctx) => {
        ctx.signal.addEventListener('abort', () => (aborted = true));
        await new Promise(() => {});
        return [];
      },
      50,
    );
    const findings = await runChecks([hang], context, { deadline: deadline(5000), concurrency: 1 });
    expect(findings[0]).toMatchObject({ status: 'error', evidence: { errorKind: 'timeout' } });
    expect(findings[0]!.summary).toContain('did not finish within its time bound of 50 ms');
    expect(aborted).toBe(true);
  });

  it('ends every check at the run deadline, and does not start checks after it', async () => {
    const hang = (id: string) => check(id, async () => (await new Promise(() => {}), []), 60_000);
    const started = Date.now();
    const findings = await runChecks([hang('a.one'), hang('b.two'), hang('c.three')], context, { deadline: deadline(100), concurrency: 2 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(findings.map((f) => f.status)).toEqual(['error', 'error', 'error']);
    expect(findings[0]!.summary).toContain('the run deadline passed before it finished');
    expect(findings[2]!.summary).toContain('was not started: the run deadline had already passed');
  });

  it('names the fact whose own time bound passed, not the check', async () => {
    const { TimeoutError } = await import('../../src/core/errors');
    const waits = check('a.waits', async () => {
      throw new TimeoutError('gathering the trust store facts', 30_000);
    });
    const findings = await runChecks([waits], context, { deadline: deadline(5000), concurrency: 1 });
    expect(findings[0]!.summary).toBe(
      'Check a.waits could not finish: gathering the trust store facts did not finish within 30 s; its result is unknown, so readiness cannot be confirmed.',
    );
  });

  it('treats a check that returns nothing as an error', async () => {
    const findings = await runChecks([check('a.empty', async () => [])], context, { deadline: deadline(5000), concurrency: 1 });
    expect(findings[0]).toMatchObject({ status: 'error', evidence: { errorKind: 'empty' } });
  });
});

describe('interruption and progress', () => {
  it('cuts running checks and does not start others when the run is interrupted, naming the signal', async () => {
    const { InterruptedError } = await import('../../src/core/interruption');
    const stop = new AbortController();
    const hang = (id: string) => check(id, async () => (await new Promise(() => {}), []), 60_000);
    setTimeout(() => stop.abort(new InterruptedError('SIGTERM')), 50);
    const findings = await runChecks([hang('a.one'), hang('b.two')], context, { deadline: deadline(5000), interrupt: stop.signal, concurrency: 1 });
    expect(findings.map((f) => [f.checkId, f.status, f.evidence.errorKind])).toEqual([
      ['a.one', 'error', 'interrupted'],
      ['b.two', 'error', 'interrupted'],
    ]);
    expect(findings[0]!.summary).toBe(
      'Check a.one was cut short: the run was interrupted by SIGTERM before it finished; its result is unknown, so readiness cannot be confirmed.',
    );
    expect(findings[1]!.summary).toBe(
      'Check b.two was not started: the run was interrupted by SIGTERM; its result is unknown, so readiness cannot be confirmed.',
    );
  });

  it('knows which check is executing, even in its synchronous code after an await, and snapshots what is known', async () => {
    const { CheckProgress } = await import('../../src/core/check-progress');
    const seen: Array<string | null> = [];
    let progress: InstanceType<typeof CheckProgress> | null = null;
    const checks: TestCheck[] = [
      check('a.done', async () => [{ status: 'pass', summary: 'ok' }]),
      check('b.running', async () => (await sleep(10), seen.push(progress!.current()), await new Promise(() => {}), [])),
      check('c.waiting', async () => [{ status: 'pass', summary: 'never started' }]),
    ];
    progress = new CheckProgress(checks);
    void runChecks(checks, context, { deadline: deadline(5000), concurrency: 1, progress });
    await sleep(50);
    expect(seen).toEqual(['b.running']);
    expect(progress.current()).toBeNull();
    const snapshot = progress.snapshot((c, state) => [{ checkId: c.id, status: 'error', summary: state.state } as Finding]);
    expect(snapshot.map((f) => [f.checkId, f.status, f.summary])).toEqual([
      ['a.done', 'pass', 'ok'],
      ['b.running', 'error', 'running'],
      ['c.waiting', 'error', 'waiting'],
    ]);
  });
});

describe('verdict and exit code', () => {
  const f = (status: Finding['status']) => ({ status }) as Finding;
  it('derives the verdict, counting an error as a failure', () => {
    expect(verdictOf([f('pass'), f('skip')])).toBe('ready');
    expect(verdictOf([f('pass'), f('warn')])).toBe('ready-with-warnings');
    expect(verdictOf([f('warn'), f('fail')])).toBe('not-ready');
    expect(verdictOf([f('pass'), f('error')])).toBe('not-ready');
  });
  it('maps --fail-on to exit codes', () => {
    expect(exitCodeFor([f('warn')], 'fail')).toBe(0);
    expect(exitCodeFor([f('warn')], 'warn')).toBe(1);
    expect(exitCodeFor([f('fail')], 'fail')).toBe(1);
    expect(exitCodeFor([f('error')], 'fail')).toBe(1);
    expect(exitCodeFor([f('fail')], 'never')).toBe(0);
  });
});
