#!/usr/bin/env node
import { parseCliArgs } from './cli-options.js';

// `npx open-responses-gateway`: flags become environment variables, then the
// same bootstrap as `node dist/main.js`. main.js is imported only after the
// environment is set.
const command = parseCliArgs(process.argv.slice(2));
switch (command.kind) {
  case 'help':
  case 'version':
    process.stdout.write(command.text);
    break;
  case 'error':
    process.stderr.write(
      `open-responses-gateway: ${command.message}\nRun with --help for the options.\n`,
    );
    process.exitCode = 2;
    break;
  case 'start': {
    Object.assign(process.env, command.env);
    const { bootstrap } = await import('./main.js');
    await bootstrap();
    break;
  }
}
