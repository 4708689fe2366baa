/**
 * Memory of the serving processes, from /proc: the idle RSS once a process
 * has started, answered and collected its garbage, and the peak RSS of each
 * measured slice (the kernel's high-water mark, reset before the slice).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const KIB = 1024;
const GC_ANSWER_MS = 5_000;
/** Without a GC probe, "idle" is this long after the process answered. */
const IDLE_WAIT_MS = 2_000;

/** A field of /proc/<pid>/status in bytes (VmRSS, VmHWM), or NaN when it cannot be read. */
function statusBytes(pid, field) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kib === undefined ? Number.NaN : Number(kib) * KIB;
  } catch {
    return Number.NaN;
  }
}

export const rssBytes = (pid) => statusBytes(pid, 'VmRSS');

/**
 * Starts a new peak for the process: writing 5 to clear_refs resets VmHWM
 * to the current RSS (Linux ≥ 4.0). Returns false where that is not allowed;
 * the peak then runs from the process's start.
 */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export const peakBytes = (pid) => statusBytes(pid, 'VmHWM');

/** Resolves on the process's `gc-done` message, rejects after GC_ANSWER_MS. */
function gcDone(child) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message?.type === 'gc-done') {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve();
      }
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error('no gc-done answer'));
    }, GC_ANSWER_MS);
    child.on('message', onMessage);
  });
}

/**
 * The RSS of a process at rest: it is asked over IPC (gc-probe.mjs) to run
 * a full GC first; a process without the probe is read after IDLE_WAIT_MS.
 * Returns { bytes, how }.
 */
export async function idleRss(handle) {
  if (handle.child.connected) {
    const answered = gcDone(handle.child);
    handle.child.send({ type: 'gc' });
    try {
      await answered;
      return { bytes: rssBytes(handle.pid), how: 'after a forced GC' };
    } catch {
      // No probe in that process: fall back to the idle wait.
    }
  }
  await sleep(IDLE_WAIT_MS);
  return { bytes: rssBytes(handle.pid), how: `${IDLE_WAIT_MS / 1000} s idle` };
}

export const mib = (bytes) => bytes / (KIB * KIB);
