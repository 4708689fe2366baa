import { setFlagsFromString } from 'node:v8';
import { chosenByOperator } from './operator-v8-flags.js';

const PRETENURING_FLAG = 'allocation-site-pretenuring';

/**
 * Turns off V8's allocation-site pretenuring, before the gateway's modules
 * load (unless the operator set the flag).
 *
 * V8 watches each object and array literal: when most of what one made
 * outlived a young GC while the young generation was at its largest, it
 * allocates that literal's objects in the old generation from then on. A
 * gateway's per-request objects live as long as their request, so under
 * load many literals pass that test. Once a request's objects are old,
 * every young object they point to (its IncomingMessage, undici handler,
 * parser, call) survives each young GC through the old-to-new remembered
 * set, as old garbage is only found by a full GC: it is copied, then
 * promoted, and holds on to the next request's objects in turn. Each
 * scavenge's survivors then grow with the requests since the last one
 * instead of with those in flight: on Node 20 8.5 KB of every 2-chunk chat
 * stream survived a scavenge at concurrency 1, 16 KB of a Responses stream,
 * 1.5 KB of a non-streamed request; 0.6, 3.5 and 0.1 KB without
 * pretenuring (bench/README.md, "Pretenuring and hidden classes"). What
 * the gateway keeps for long (configuration, caches, stored responses) is
 * still promoted, by surviving two young GCs. Where a request's objects do
 * live long (many concurrent streams at saturation) pretenuring pays
 * instead; the operator can keep it with `--allocation-site-pretenuring`.
 */
export function stopPretenuring(): void {
  if (!chosenByOperator(PRETENURING_FLAG)) {
    setFlagsFromString(`--no-${PRETENURING_FLAG}`);
  }
}
