import { isRecord } from '../../common/is-record.js';
import type {
  AnthropicCustomTool,
  AnthropicMessagesRequest,
} from '../../protocol/anthropic-messages.types.js';
import type { ChatFunctionTool } from '../../protocol/chat-completion.types.js';
import type { ChatRequestContext } from './chat-request-context.js';

/** The chat request fields that carry the tools. */
export interface ChatToolFields {
  tools?: ChatFunctionTool[];
  tool_choice?: string | { type: 'function'; function: { name: string } };
  parallel_tool_calls?: false;
}

/**
 * Maps `tools` and `tool_choice` (checked by MessagesRequestDto). Custom
 * tools become chat function tools, their `input_schema` the parameters
 * with only the top-level `$schema` removed (some backends' guided
 * decoding rejects draft 2020-12's, which Claude Code sends). Server tools
 * (`web_search_…`, `bash_…`, `text_editor_…`, `computer_…`,
 * `code_execution_…`: any `type` but `custom`) run at Anthropic, not on a
 * chat backend: dropped and reported, as the Responses endpoint drops
 * hosted tools. Without any tool left, no choice is sent either (chat
 * backends refuse one without tools).
 */
export function toChatToolFields(
  request: Pick<AnthropicMessagesRequest, 'tools' | 'tool_choice'>,
  context: ChatRequestContext,
): ChatToolFields {
  const tools: ChatFunctionTool[] = [];
  for (const tool of request.tools ?? []) {
    if (isCustomTool(tool)) {
      tools.push(toFunctionTool(tool));
    } else {
      context.dropped(`server tool ${String(tool.type)}`);
    }
  }
  if (tools.length === 0) {
    return {};
  }
  const fields: ChatToolFields = { tools };
  const choice = request.tool_choice;
  if (choice === undefined || choice === null) {
    return fields;
  }
  switch (choice.type) {
    case 'auto':
      fields.tool_choice = 'auto';
      break;
    case 'any':
      fields.tool_choice = 'required';
      break;
    case 'none':
      fields.tool_choice = 'none';
      return fields;
    case 'tool':
      // A server tool named here was dropped: the model chooses instead.
      fields.tool_choice = tools.some(
        (tool) => tool.function.name === choice.name,
      )
        ? { type: 'function', function: { name: choice.name } }
        : 'auto';
      break;
  }
  if (choice.disable_parallel_tool_use === true) {
    fields.parallel_tool_calls = false;
  }
  return fields;
}

function isCustomTool(
  tool: NonNullable<AnthropicMessagesRequest['tools']>[number],
): tool is AnthropicCustomTool {
  return (
    tool.type === undefined || tool.type === null || tool.type === 'custom'
  );
}

function toFunctionTool(tool: AnthropicCustomTool): ChatFunctionTool {
  const description = tool.description;
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(typeof description === 'string' ? { description } : {}),
      parameters: withoutSchemaKeyword(tool.input_schema),
    },
  };
}

function withoutSchemaKeyword(
  schema: Record<string, unknown>,
): Record<string, unknown> {
  if (!isRecord(schema) || !Object.hasOwn(schema, '$schema')) {
    return schema;
  }
  const { $schema: _dropped, ...rest } = schema;
  return rest;
}
