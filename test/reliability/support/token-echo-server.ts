import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP "MCP server" that refuses every request with a 401 whose body
 * echoes the Authorization header it got, as some servers do, on
 * 127.0.0.1 and a random port. It keeps each Authorization it saw.
 */
export class TokenEchoServer {
  readonly authorizations: string[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TokenEchoServer> {
    const server = createServer();
    const echo = new TokenEchoServer(server);
    server.on('request', (request, response) => {
      const authorization = request.headers.authorization ?? '';
      echo.authorizations.push(authorization);
      request.resume();
      response
        .writeHead(401, { 'content-type': 'text/plain' })
        .end(`invalid credentials: ${authorization}`);
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    return echo;
  }

  /** `http://127.0.0.1:PORT/` */
  get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
