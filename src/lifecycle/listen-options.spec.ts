import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../config/read-environment.js';
import { listenOptions } from './listen-options.js';

describe(listenOptions.name, () => {
  it('listens where the settings say, with a backlog deeper than Node’s 511', () => {
    const { server } = readEnvironment({});
    expect(listenOptions(server)).toEqual({
      port: 8080,
      host: '0.0.0.0',
      backlog: 4096,
    });
  });

  it('takes LISTEN_BACKLOG from the environment', () => {
    const { server } = readEnvironment({
      API_ADAPTER_PORT: '9000',
      API_ADAPTER_HOST: '127.0.0.1',
      LISTEN_BACKLOG: '1024',
    });
    expect(listenOptions(server)).toEqual({
      port: 9000,
      host: '127.0.0.1',
      backlog: 1024,
    });
  });
});
