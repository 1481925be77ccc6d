import { describe, expect, it } from 'vitest';
import { evaluateTimeSync } from '../../src/checks/time-sync';

describe('time.sync', () => {
  it('judges the facts', () => {
    expect(evaluateTimeSync({ synchronized: false, source: 'chronyc -n tracking', detail: null }).status).toBe('warn');
    expect(evaluateTimeSync({ synchronized: true, source: 'timedatectl status', detail: null }).status).toBe('pass');
    expect(evaluateTimeSync({ synchronized: null, source: 'not read: clock synchronisation lives in the running system', detail: null }).status).toBe('skip');
  });
});
