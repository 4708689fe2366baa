import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { chosenByOperator } from './operator-v8-flags.js';

/**
 * Start-up (loading the modules, Nest's scan) allocates far more
 * short-lived objects than an idle gateway ever does: V8 grows the young
 * generation to its maximum (2 × 16 MiB) on the way and keeps it committed
 * while idle, ~30 MiB of RSS. Growth factor 1 holds it at its initial size
 * until start-up is done; then V8's default lets a loaded gateway grow it as
 * before. V8 reads the flag on every growth, so setting it at run time works
 * (on the command line V8 raises a factor below 2 to 2).
 */
const GROWTH_FLAG = 'semi-space-growth-factor';
const V8_DEFAULT_GROWTH = 2;

/**
 * Start-up code runs once, yet some of it gets hot enough for TurboFan,
 * whose compile jobs run on V8's worker threads: each leaves a malloc arena
 * of pages behind, ~7 MiB of idle RSS for code that never runs again.
 * V8 asks the flag on every tiering decision, so turning TurboFan off
 * until start-up ends and on again works; the hot paths under load tier up
 * as before.
 */
const TURBOFAN_FLAGS = ['turbofan', 'opt', 'jitless'];

/**
 * Before the gateway's modules load: the young generation stays small and
 * TurboFan waits.
 */
export function holdStartUpHeap(): void {
  if (!chosenByOperator(GROWTH_FLAG)) {
    setFlagsFromString(`--${GROWTH_FLAG}=1`);
  }
  if (!chosenByOperator(...TURBOFAN_FLAGS)) {
    setFlagsFromString('--no-turbofan');
  }
}

/**
 * Start-up is done: the young generation may grow with the load again,
 * TurboFan compiles what gets hot, and one compacting full GC hands
 * start-up's half-empty old-space pages back now (~7 MiB of RSS) instead of
 * when V8's memory reducer runs, 8 s or more later.
 */
export function endStartUpHeap(): void {
  if (!chosenByOperator(GROWTH_FLAG)) {
    setFlagsFromString(`--${GROWTH_FLAG}=${V8_DEFAULT_GROWTH}`);
  }
  if (!chosenByOperator(...TURBOFAN_FLAGS)) {
    setFlagsFromString('--turbofan');
  }
  compactingGc();
}

/** A full GC that compacts; `gc` is exposed to one throwaway context only (as jest-leak-detector does). */
function compactingGc(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}
