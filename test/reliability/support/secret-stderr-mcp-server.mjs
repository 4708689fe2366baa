// A stdio "MCP server" that fails the way a misconfigured one does: it
// prints its token (from the env the gateway gave it, a `${VAR}` of the MCP
// config) to stderr, then exits before any handshake. The gateway logs the
// line and keeps it in the server's lastError; neither may show the token.
process.stderr.write(
  `auth failed with token ${process.env.MCP_STDIO_TOKEN ?? '(unset)'}\n`,
);
setTimeout(() => process.exit(1), 100);
