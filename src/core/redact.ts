// Secrets never reach stdout, logs, reports or spool files. URLs lose their credentials here, and
// free text (error messages from libraries) is scrubbed of anything shaped like a secret.

/** "http://user:pass@host:3128" → "http://user:***@host:3128"; non-URLs are returned unchanged. */
export function redactUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]*)(?::[^/@\s]*)?@/i, (_m, scheme: string, user: string) => `${scheme}${user ? `${user}:***` : '***'}@`);
}

const FREE_TEXT_SECRETS: Array<[RegExp, string]> = [
  [/([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]*:[^/@\s]*@/gi, '$1***:***@'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***'],
  [/\b(sig|se|sv|sp|skoid|sktid)=[^&\s"']+/g, '$1=***'],
  [/("?(?:access_token|client_secret|password|refresh_token)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1***'],
];

export function scrubSecrets(text: string): string {
  return FREE_TEXT_SECRETS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
