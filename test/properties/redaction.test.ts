// Properties of src/core/redact.ts: a password of any printable characters, in any URL-like form a
// setting may take, never survives redactUrl or scrubSecrets; both run in linear time.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecrets, redactUrl, rememberSecret, scrubSecrets } from '../../src/core/redact';
import { expectLinear, repeatTo } from './linear';

const printable = fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)));
/** Passwords long and odd enough that they cannot appear in the rest of the value by chance. */
const password = fc.string({ unit: printable, minLength: 6, maxLength: 40 }).filter((p) => /[^\w]/.test(p) && p.trim().length >= 6);
const user = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const host = fc.constantFrom('127.0.0.1:3128', 'proxy.contoso.test:8080', '[::1]:3128', 'proxy');
const settingForm = fc.constantFrom(
  (u: string, p: string, h: string) => `http://${u}:${p}@${h}`,
  (u: string, p: string, h: string) => `http://${u}:${encodeURIComponent(p)}@${h}/`,
  (u: string, p: string, h: string) => `${u}:${p}@${h}`,
  (u: string, p: string, h: string) => `https://${u}:${encodeURIComponent(p)}@${h}`,
);
const neverShown = (out: string, p: string) => !out.includes(p) && !out.includes(encodeURIComponent(p));

afterEach(() => forgetSecrets());

describe('redactUrl', () => {
  it('never returns the password, whatever it holds and however the setting is written', () => {
    fc.assert(
      fc.property(user, password, host, settingForm, (u, p, h, form) => neverShown(redactUrl(form(u, p, h)), p)),
      { numRuns: 3000 },
    );
  });

  it('keeps the user and the host of a well-formed URL, and leaves URLs without credentials alone', () => {
    expect(redactUrl('http://svc:p%40ss%2Fw@proxy.contoso.test:8080')).toBe('http://svc:***@proxy.contoso.test:8080');
    expect(redactUrl('https://collector.test/r?x=1')).toBe('https://collector.test/r?x=1');
    expect(redactUrl('proxy.contoso.test:3128')).toBe('proxy.contoso.test:3128');
  });
});

describe('scrubSecrets', () => {
  it('removes a URL password from free text, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        user,
        password.filter((p) => !/\s/.test(p)),
        host,
        fc.string(),
        fc.string(),
        (u, p, h, before, after) => {
          const out = scrubSecrets(`${before} connect to http://${u}:${p}@${h} failed ${after}`);
          return !out.includes(`:${p}@`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('removes every remembered secret, raw or %-encoded, wherever it stands', () => {
    fc.assert(
      fc.property(password, fc.string(), fc.string(), (p, before, after) => {
        forgetSecrets();
        rememberSecret(p);
        return neverShown(scrubSecrets(`${before}${p}${after} ${encodeURIComponent(p)}`), p);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes linear time on hostile text (no backtracking on "scheme://user:" runs or "@" runs)', () => {
    for (const unit of ['http://a:', '@', 'a://b:c@', 'Bearer ', 'sig='])
      expectLinear(`scrubSecrets on ${unit} runs`, scrubSecrets, (bytes) => repeatTo(unit, bytes));
  });
});
