/**
 * The upstream headers that carry the client's own Authorization, when
 * FORWARD_CLIENT_AUTH is on and the client sent one; it then replaces the
 * upstream's configured key.
 */
export function forwardedAuthHeaders(
  authorization: string | undefined,
  forwardClientAuth: boolean,
): Record<string, string> | undefined {
  return forwardClientAuth && authorization ? { authorization } : undefined;
}
