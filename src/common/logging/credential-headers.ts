/**
 * Header names that carry credentials: `authorization`, `x-api-key`,
 * `api-key`, `cookie`, `x-auth-token`, `x-goog-api-key`, `x-secret`…
 */
const CREDENTIAL_HEADER =
  /authorization|api[-_]?key|token|secret|passw(or)?d|cookie|credential|session|signature/i;

/** True when a header of this name carries a credential. */
function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/**
 * The values of the credential headers of `headers` (an upstream's or an
 * MCP server's configured headers, a hosted MCP tool's), to be redacted.
 */
export function credentialHeaderValues(
  headers: Readonly<Record<string, string>> | undefined,
): string[] {
  return Object.entries(headers ?? {})
    .filter(([name]) => isCredentialHeader(name))
    .map(([, value]) => value);
}
