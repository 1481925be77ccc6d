// The token providers live in net (src/net/tokens.ts), where facts can use them for ARM too (facts
// may not import sinks); re-exported here so the sinks' imports keep working.
export { ManagedIdentityTokens, ServicePrincipalTokens, TokenError, type TokenProvider } from '../net/tokens';
