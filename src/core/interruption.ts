// Why a run was cut short by the operator or the system rather than by its deadline.

/** The reason a run's interrupt signal carries: SIGTERM (shutdown, systemctl stop), SIGINT (Ctrl-C), SIGHUP (session closed). */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(readonly signal: string) {
    super(`the run was interrupted by ${signal}`);
  }
}
