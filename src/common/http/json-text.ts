import type { FastifyReply } from 'fastify';
import { ObjectSlot } from '../objects/object-slot.js';

/**
 * The JSON text a decoded object was read from, for an object that the
 * text still describes exactly: such an answer goes out as that text,
 * without JSON.stringify (~6% of a non-streamed chat request's
 * instructions; bench/README.md, "Fast paths"). Whoever keeps a text
 * vouches that the object is what the text says; a step that changes such
 * an object makes a new one (copy on change, as every step here does),
 * which has no text. The text lives as long as its object.
 */
const texts = new ObjectSlot<object, string>('JSON text');

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Says that `text` is the JSON of `value` as it stands. */
export function keepJsonText(value: object, text: string): void {
  texts.set(value, text);
}

/** Sends `value` as JSON: its kept text when it has one, else serialised by Fastify. */
export function sendJson(reply: FastifyReply, value: unknown): void {
  const text =
    typeof value === 'object' && value !== null ? texts.get(value) : undefined;
  if (text === undefined) {
    void reply.send(value);
  } else {
    void reply.type(JSON_CONTENT_TYPE).send(text);
  }
}
