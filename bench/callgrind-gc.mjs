/**
 * The instructions of one callgrind file spent in V8's garbage collector,
 * by function name (callgrind_annotate, Debian's `valgrind` package). A
 * measured window of 500 streams holds a major GC or not depending on
 * where the heap's growth falls, which moved a Responses stream's count by
 * up to ±250k on the main thread: the count less the collector is the
 * steadier figure for comparing two builds, the collector's share is shown
 * beside it (what a path allocates is its cost too). By name, so a
 * heuristic: V8's heap code (scavenger, mark-compact, incremental and
 * concurrent marking, sweeper, remembered sets, the heap's own
 * bookkeeping), not the allocation fast paths inlined into JIT code.
 */
import { execFileSync } from 'node:child_process';

const GC_FUNCTION =
  /v8::internal::(Scavenger|ScavengerCollector|MarkCompactCollector|MinorMarkCompactCollector|IncrementalMarking|ConcurrentMarking|Sweeper|Heap::|GCTracer|MarkingVisitorBase|MainMarkingVisitor|ConcurrentMarkingVisitor|MarkingBarrier|Evacuat|PointersUpdatingVisitor|RememberedSet|SlotSet|LiveObjectRange|MemoryAllocator|IterateAndScavenge|WeakObjects|InternalizedStringTableCleaner)|heap::base::|BodyDescriptorBase::IteratePointers<v8::internal::(ConcurrentMarkingVisitor|IterateAndScavenge|MainMarkingVisitor|Scavenge)/;
const LINE = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/;

/** Instructions of `file` in functions GC_FUNCTION names. */
export function garbageCollectorInstructions(file) {
  const listing = execFileSync(
    'callgrind_annotate',
    ['--inclusive=no', '--threshold=100', file],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  let instructions = 0;
  for (const line of listing.split('\n')) {
    const match = LINE.exec(line);
    if (match && GC_FUNCTION.test(match[2])) {
      instructions += Number(match[1].replaceAll(',', ''));
    }
  }
  return instructions;
}
