import { readFileSync } from 'node:fs';
import type { AnthropicMessagesRequest } from '../../protocol/anthropic-messages.types.js';

// src/messages/request/ -> test/fixtures/anthropic/, inside the repository.
const FIXTURES = new URL('../../../test/fixtures/anthropic/', import.meta.url);

/**
 * A request body Claude Code 2.1.332 sent, trimmed (see the SOURCE.md
 * beside each file): `turn1` before any tool call (its `role:"system"`
 * message holds a text block), `turn2` after one Write call (that message
 * is a string).
 */
export function claudeCodeBody(
  turn: 'turn1' | 'turn2',
): AnthropicMessagesRequest {
  return JSON.parse(
    readFileSync(new URL(`claude-code-${turn}.json`, FIXTURES), 'utf8'),
  ) as AnthropicMessagesRequest;
}
