// Access tokens for the Logs Ingestion API and Azure Resource Manager (any audience): the VM's
// managed identity through IMDS (the guest client's IMDS access: plain HTTP, never a proxy;
// system-assigned or a user-assigned one by client id), or a service principal's client-credentials
// grant through the guest client's dispatcher. Tokens are cached per provider (one provider per
// audience) and never logged. A failed fetch is retried by the caller's retry loop (withRetries in
// sinks/retry.ts, or the ARM client's), which a TokenError's `transient` steers. In net (moved from
// sinks) because facts need them too, and facts may not import sinks.
import { request, type Dispatcher } from 'undici';
import { describeError } from '../core/errors';
import { rememberSecret, scrubSecrets } from '../core/redact';
import type { ImdsAccess } from './imds-get';
import { abortable, readCapped } from './read-body';

export interface TokenProvider {
  readonly kind: string;
  getToken(signal: AbortSignal, forceRefresh?: boolean): Promise<string>;
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

const REFRESH_MARGIN_MS = 5 * 60 * 1000;

abstract class CachingProvider implements TokenProvider {
  abstract readonly kind: string;
  private cached: CachedToken | null = null;

  async getToken(signal: AbortSignal, forceRefresh = false): Promise<string> {
    if (!forceRefresh && this.cached && this.cached.expiresAt - REFRESH_MARGIN_MS > Date.now()) return this.cached.token;
    this.cached = await this.fetchToken(signal);
    rememberSecret(this.cached.token); // never echoed, even inside an error text
    return this.cached.token;
  }

  protected abstract fetchToken(signal: AbortSignal): Promise<CachedToken>;
}

export class ManagedIdentityTokens extends CachingProvider {
  readonly kind = 'managed identity';

  constructor(
    private readonly imdsEndpoint: string,
    private readonly resource: string,
    private readonly clientId: string | null,
    private readonly imds: ImdsAccess,
  ) {
    super();
  }

  protected async fetchToken(signal: AbortSignal): Promise<CachedToken> {
    const url = new URL('/metadata/identity/oauth2/token', this.imdsEndpoint);
    url.searchParams.set('api-version', '2018-02-01');
    url.searchParams.set('resource', this.resource);
    if (this.clientId) url.searchParams.set('client_id', this.clientId);
    const refusal = this.imds.refusal(url);
    if (refusal) throw new TokenError(refusal, false);
    const { status, body } = await this.imds.get(url, 5_000, signal).catch((err: unknown) => {
      throw new TokenError(`the managed identity endpoint (IMDS) did not answer: ${describeError(err)}`, true);
    });
    const payload = body as { access_token?: unknown; expires_on?: unknown; error?: unknown; error_description?: unknown } | null;
    if (status === 200 && typeof payload?.access_token === 'string') {
      const expiresOn = Number(payload.expires_on);
      return { token: payload.access_token, expiresAt: Number.isFinite(expiresOn) ? expiresOn * 1000 : Date.now() + 10 * 60 * 1000 };
    }
    const code = typeof payload?.error === 'string' ? payload.error : `HTTP ${status}`;
    // The reference: 404/410/429/5xx are transient; other 4xx (e.g. unauthorized_client: no identity) are not.
    const transient = status === 404 || status === 410 || status === 429 || status >= 500;
    const hint =
      code === 'invalid_request' || code === 'unauthorized_client' || status === 400
        ? ' (is a managed identity assigned to this VM? For a user-assigned identity give --identity-client-id)'
        : '';
    throw new TokenError(`the managed identity endpoint answered ${code}${hint}`, transient);
  }
}

export class ServicePrincipalTokens extends CachingProvider {
  readonly kind = 'service principal';

  constructor(
    private readonly authorityHost: string,
    private readonly tenantId: string,
    private readonly clientId: string,
    private readonly secret: string,
    private readonly scope: string,
    private readonly dispatcher: Dispatcher,
  ) {
    super();
  }

  protected async fetchToken(signal: AbortSignal): Promise<CachedToken> {
    const url = `https://${this.authorityHost}/${encodeURIComponent(this.tenantId)}/oauth2/v2.0/token`;
    let response;
    try {
      response = await abortable(
        request(url, {
          method: 'POST',
          dispatcher: this.dispatcher,
          signal,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.clientId, client_secret: this.secret, scope: this.scope }).toString(),
        }),
        signal,
      );
    } catch (err) {
      throw new TokenError(scrubSecrets(`Entra ID (${this.authorityHost}) did not answer: ${describeError(err)}`), true);
    }
    const { text } = await readCapped(response.body);
    let payload: { access_token?: unknown; expires_in?: unknown; error?: unknown } | null = null;
    try {
      payload = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    if (response.statusCode === 200 && typeof payload?.access_token === 'string') {
      const expiresIn = Number(payload.expires_in);
      return { token: payload.access_token, expiresAt: Date.now() + (Number.isFinite(expiresIn) ? expiresIn : 600) * 1000 };
    }
    const code = typeof payload?.error === 'string' ? payload.error : `HTTP ${response.statusCode}`;
    throw new TokenError(`Entra ID refused the service principal's credentials (${code})`, response.statusCode >= 500 || response.statusCode === 429);
  }
}
