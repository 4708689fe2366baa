import type { ChunkField } from './read-fields.js';

/** A JSON object as an upstream sent it: nothing about it is trusted. */
export type RawObject = Record<string, unknown>;

/** The value of `name` in `raw`: the decoder's only way to read a chunk field. */
export function field(raw: RawObject, name: ChunkField): unknown {
  return raw[name];
}

/** A string value; null, missing or another type is absent. */
export function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number; null, missing or another type is absent. */
export function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}
