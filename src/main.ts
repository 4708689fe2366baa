import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { endStartUpHeap, holdStartUpHeap } from './lifecycle/start-up-heap.js';
import { stopPretenuring } from './lifecycle/no-pretenuring.js';
import { keepTickObjectShape } from './lifecycle/tick-object-shape.js';

/**
 * Starts the gateway (start-gateway.ts): validates the environment (exit 1
 * naming every bad key), then listens on API_ADAPTER_HOST:API_ADAPTER_PORT.
 * cli.ts calls it after turning its flags into environment variables. The
 * gateway's modules are imported only after holdStartUpHeap(): loading them
 * is most of start-up's garbage.
 */
export async function bootstrap(): Promise<void> {
  stopPretenuring();
  // Before start-up's full GC: see keepTickObjectShape.
  keepTickObjectShape();
  holdStartUpHeap();
  const { startGateway } = await import('./start-gateway.js');
  await startGateway();
  endStartUpHeap();
}

/** True when this file is the program (`node dist/main.js`), not an import. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) {
    return false;
  }
  try {
    return realpathSync(entry) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  void bootstrap();
}
