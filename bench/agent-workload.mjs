/**
 * The agent-shaped workload: a request the size of a coding agent's (about
 * 7 KB of instructions, twenty tools, a few turns of history with tool calls
 * and their outputs) and the reply a reasoning model streams to it: some
 * reasoning, a short text, then a tool call whose arguments arrive in small
 * fragments, about 300 chunks in all. The same conversation in both APIs:
 * `agentChatBody` for /v1/chat/completions, `agentResponsesBody` for
 * /v1/responses. The fake upstream streams AGENT_REPLY to any model whose
 * name holds `agent`.
 */
import { readFileSync } from 'node:fs';
import { AGENT_TOOLS } from './agent-tools.mjs';

export const AGENT_INSTRUCTIONS = readFileSync(
  new URL('./agent-instructions.md', import.meta.url),
  'utf8',
);

const ENVIRONMENT = `<environment_context>
  <cwd>/home/dev/projects/tabular</cwd>
  <approval_policy>on-request</approval_policy>
  <sandbox_mode>workspace-write</sandbox_mode>
  <network_access>restricted</network_access>
  <shell>bash</shell>
</environment_context>`;

const TASK =
  'The test "parses quoted fields with escaped quotes" in src/csv/parser.spec.ts fails since yesterday. Find out why and fix it.';

const GREP_CALL = {
  name: 'grep_files',
  arguments: JSON.stringify({ pattern: 'escaped quotes', path: 'src/csv' }),
  output:
    'src/csv/parser.spec.ts:41:  it(\'parses quoted fields with escaped quotes\', () => {\nsrc/csv/parser.spec.ts:42:    expect(parseLine(\'"a ""b"" c",d\')).toEqual([\'a "b" c\', \'d\']);',
};

const PARSER_SOURCE = `export function parseLine(line: string, separator = ','): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === separator) {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}`;

const READ_CALL = {
  name: 'read_file',
  arguments: JSON.stringify({ path: 'src/csv/parser.ts' }),
  output: PARSER_SOURCE.split('\n')
    .map((line, i) => `${String(i + 1).padStart(4)}  ${line}`)
    .join('\n'),
};

const FINDING =
  'The parser adds one quote for an escaped pair but does not skip the second quote of the pair, so the field closes early. I can fix it by advancing past the pair.';
const GO_AHEAD = 'Go ahead and fix it, then run the parser tests.';

const CALLS = [
  { id: 'call_Xq81mB0aGr6e', ...GREP_CALL },
  { id: 'call_Vd29kP4tYw1s', ...READ_CALL },
];

/** The conversation as Chat Completions messages. */
function chatMessages() {
  return [
    { role: 'system', content: AGENT_INSTRUCTIONS },
    { role: 'user', content: ENVIRONMENT },
    { role: 'user', content: TASK },
    ...CALLS.flatMap((call) => [
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          },
        ],
      },
      { role: 'tool', tool_call_id: call.id, content: call.output },
    ]),
    { role: 'assistant', content: FINDING },
    { role: 'user', content: GO_AHEAD },
  ];
}

const userMessage = (text) => ({
  type: 'message',
  role: 'user',
  content: [{ type: 'input_text', text }],
});

/** The conversation as Responses input items. */
function responsesInput() {
  return [
    userMessage(ENVIRONMENT),
    userMessage(TASK),
    ...CALLS.flatMap((call) => [
      {
        type: 'function_call',
        call_id: call.id,
        name: call.name,
        arguments: call.arguments,
      },
      { type: 'function_call_output', call_id: call.id, output: call.output },
    ]),
    {
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: FINDING }],
    },
    userMessage(GO_AHEAD),
  ];
}

/** A streamed chat request of the agent conversation, with the twenty tools. */
export function agentChatBody(model) {
  return {
    model,
    messages: chatMessages(),
    tools: AGENT_TOOLS,
    tool_choice: 'auto',
    parallel_tool_calls: false,
    stream: true,
    stream_options: { include_usage: true },
  };
}

/** The same conversation for /v1/responses, as a coding agent sends it. */
export function agentResponsesBody(model) {
  return {
    model,
    instructions: AGENT_INSTRUCTIONS,
    input: responsesInput(),
    tools: AGENT_TOOLS.map(({ function: f }) => ({
      type: 'function',
      name: f.name,
      description: f.description,
      strict: false,
      parameters: f.parameters,
    })),
    tool_choice: 'auto',
    parallel_tool_calls: false,
    store: false,
    stream: true,
  };
}

const REASONING =
  'The user wants the fix applied and the tests run. In the quoted branch, when the current character is a quote and the next one is a quote too, the code appends a single quote but leaves i on the first quote of the pair. The loop then sees the second quote on the next pass, takes it for the closing quote and leaves quoted mode, so the rest of the field is read as unquoted text and the separator inside it splits the field. The fix is to advance i by one after appending the quote. I will patch parser.ts and then run the spec file.';
const TEXT =
  'The escaped-quote branch appends one quote but never skips the second quote of the pair, so the parser reads that second quote as the end of the field. I will advance the index past the pair, which keeps every other case as it is, and then run the parser tests to confirm that the failing case and the existing cases pass. If anything else breaks, I will look at the tokenizer tests next, since they share the quote handling.';
const PATCH = `*** Begin Patch
*** Update File: src/csv/parser.ts
@@ export function parseLine(line: string, separator = ','): string[] {
     if (quoted) {
       if (char === '"' && line[i + 1] === '"') {
         field += '"';
+        i += 1;
       } else if (char === '"') {
         quoted = false;
*** End Patch`;

/** Word-sized pieces, as a tokenizer would stream them: each with its leading space. */
const words = (text) => text.match(/\s*\S+/g) ?? [];
const fragments = (text, size) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
    text.slice(i * size, (i + 1) * size),
  );

function agentReply() {
  const reasoning = words(REASONING);
  const parts = [
    { kind: 'role' },
    ...reasoning.map((text, i) => ({
      kind: 'reasoning',
      text,
      last: i === reasoning.length - 1,
    })),
    ...words(TEXT).map((text) => ({ kind: 'content', text })),
    { kind: 'tool-start', index: 0, name: 'apply_patch' },
    ...fragments(JSON.stringify({ input: PATCH }), 3).map((text) => ({
      kind: 'tool-arguments',
      index: 0,
      text,
    })),
  ];
  return {
    parts,
    finishReason: 'tool_calls',
    promptTokens: 5_800,
    completionTokens: parts.length,
  };
}

/** The reply script (upstream-shapes.mjs renders it): its parts and finish reason. */
export const AGENT_REPLY = agentReply();
