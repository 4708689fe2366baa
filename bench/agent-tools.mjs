/**
 * The function tools of the agent-shaped scenario: twenty tools of the kind a
 * coding agent (Codex CLI and the like) declares on every request, with JSON
 * schemas as detailed as theirs. In Chat Completions form; agent-workload.mjs
 * derives the Responses form.
 */

const string = (description, extra = {}) => ({
  type: 'string',
  description,
  ...extra,
});
const integer = (description, extra = {}) => ({
  type: 'integer',
  description,
  ...extra,
});
const boolean = (description) => ({ type: 'boolean', description });
const strings = (description) => ({
  type: 'array',
  items: { type: 'string' },
  description,
});

function tool(name, description, properties, required = []) {
  return {
    type: 'function',
    function: {
      name,
      description,
      parameters: {
        type: 'object',
        properties,
        required,
        additionalProperties: false,
      },
    },
  };
}

const PATH = string(
  'Path of the file or directory, absolute or relative to the workspace root.',
);
const TIMEOUT = integer('Milliseconds before the command is stopped.', {
  minimum: 1000,
  maximum: 600_000,
});

export const AGENT_TOOLS = [
  tool(
    'shell',
    'Runs a command in a sandboxed shell and returns its exit code, stdout and stderr. Prefer rg over grep, and pass the whole command as an argv array.',
    {
      command: strings(
        'The command and its arguments, e.g. ["bash", "-lc", "npm test"].',
      ),
      workdir: string('Working directory; the workspace root when left out.'),
      timeout_ms: TIMEOUT,
      with_escalated_permissions: boolean(
        'Run outside the sandbox (network, writes outside the workspace). The user is asked first.',
      ),
      justification: string('Why the escalation is needed, shown to the user.'),
    },
    ['command'],
  ),
  tool(
    'apply_patch',
    'Edits files with a patch in the apply_patch format: *** Begin Patch, then *** Add File / *** Update File / *** Delete File sections with @@ context hunks, then *** End Patch.',
    {
      input: string('The whole patch, from *** Begin Patch to *** End Patch.'),
    },
    ['input'],
  ),
  tool(
    'read_file',
    'Reads a text file, optionally a range of lines. Lines are numbered from 1.',
    {
      path: PATH,
      offset: integer('First line to return.', { minimum: 1 }),
      limit: integer('How many lines to return at most.', {
        minimum: 1,
        maximum: 2000,
      }),
    },
    ['path'],
  ),
  tool(
    'list_dir',
    'Lists the entries of a directory, depth-first, with a marker for directories and symlinks.',
    {
      path: PATH,
      depth: integer('How many levels to descend.', { minimum: 1, maximum: 5 }),
      include_hidden: boolean(
        'Also list entries whose name starts with a dot.',
      ),
    },
    ['path'],
  ),
  tool(
    'grep_files',
    'Searches file contents with a regular expression (ripgrep syntax) and returns matching lines with their paths and line numbers.',
    {
      pattern: string('The regular expression.'),
      path: PATH,
      glob: string(
        'Only files matching this glob, e.g. "*.ts" or "src/**/*.spec.ts".',
      ),
      case_sensitive: boolean('Match case exactly (default: smart case).'),
      context_lines: integer('Lines of context around each match.', {
        minimum: 0,
        maximum: 10,
      }),
      max_results: integer('Stop after this many matches.', {
        minimum: 1,
        maximum: 500,
      }),
    },
    ['pattern'],
  ),
  tool(
    'find_files',
    'Finds files by name with a glob pattern, newest first.',
    {
      pattern: string('A glob such as "**/*.config.{js,ts}".'),
      path: PATH,
      max_results: integer('Stop after this many files.', {
        minimum: 1,
        maximum: 1000,
      }),
    },
    ['pattern'],
  ),
  tool(
    'update_plan',
    'Records the plan for the task as a list of steps with their status. Exactly one step is in_progress until all are completed.',
    {
      explanation: string('What changed in the plan and why.'),
      plan: {
        type: 'array',
        description: 'The steps, in order.',
        items: {
          type: 'object',
          properties: {
            step: string('One short imperative sentence.'),
            status: string('Where the step stands.', {
              enum: ['pending', 'in_progress', 'completed'],
            }),
          },
          required: ['step', 'status'],
          additionalProperties: false,
        },
      },
    },
    ['plan'],
  ),
  tool(
    'view_image',
    'Attaches a local image (screenshot, diagram) to the conversation so it can be looked at.',
    { path: PATH },
    ['path'],
  ),
  tool(
    'web_search',
    'Searches the web and returns titles, addresses and snippets of the best results.',
    {
      query: string('What to search for.'),
      recency_days: integer('Only results from the last N days.', {
        minimum: 1,
      }),
      domains: strings('Only results from these domains.'),
    },
    ['query'],
  ),
  tool(
    'fetch_url',
    'Fetches a web page or document and returns it as Markdown, cut to max_chars.',
    {
      url: string('The absolute http(s) address.', { format: 'uri' }),
      max_chars: integer('Length of the returned text at most.', {
        minimum: 100,
      }),
    },
    ['url'],
  ),
  tool(
    'write_file',
    'Creates or overwrites a file with the given content. Prefer apply_patch for edits to existing files.',
    {
      path: PATH,
      content: string('The full content of the file.'),
      create_directories: boolean('Create missing parent directories.'),
    },
    ['path', 'content'],
  ),
  tool(
    'move_path',
    'Moves or renames a file or directory inside the workspace.',
    {
      from: PATH,
      to: PATH,
      overwrite: boolean('Replace the destination when it exists.'),
    },
    ['from', 'to'],
  ),
  tool(
    'delete_path',
    'Deletes a file, or a directory with everything in it when recursive is true.',
    { path: PATH, recursive: boolean('Delete a directory and its contents.') },
    ['path'],
  ),
  tool(
    'run_tests',
    'Runs the project test command, or the tests matching a filter, and returns a summary of failures with their output.',
    {
      filter: string('A test file path or a name pattern.'),
      update_snapshots: boolean('Rewrite snapshot files that differ.'),
      timeout_ms: TIMEOUT,
    },
  ),
  tool(
    'git_status',
    'Shows the branch, the staged, unstaged and untracked files of the repository.',
    { path: PATH },
  ),
  tool(
    'git_diff',
    'Shows a diff of the working tree, of the index, or between two revisions.',
    {
      staged: boolean('Diff the index against HEAD.'),
      base: string('Base revision, e.g. "main" or a commit hash.'),
      paths: strings('Limit the diff to these paths.'),
      context_lines: integer('Lines of context in each hunk.', {
        minimum: 0,
        maximum: 20,
      }),
    },
  ),
  tool('git_log', 'Lists commits with their hash, author, date and subject.', {
    revision_range: string(
      'e.g. "main..HEAD"; the current branch when left out.',
    ),
    paths: strings('Only commits touching these paths.'),
    max_count: integer('How many commits at most.', {
      minimum: 1,
      maximum: 200,
    }),
  }),
  tool(
    'ask_user',
    'Asks the user a question and waits for the answer. Only for decisions the task leaves open; never for permission to continue.',
    {
      question: string('The question, in one or two sentences.'),
      options: strings('Suggested answers, when there are a few obvious ones.'),
    },
    ['question'],
  ),
  tool(
    'code_symbols',
    'Lists the symbols (classes, functions, methods, exported constants) a source file defines, with their line ranges.',
    {
      path: PATH,
      kinds: {
        type: 'array',
        description: 'Only these kinds of symbol.',
        items: {
          type: 'string',
          enum: [
            'class',
            'function',
            'method',
            'interface',
            'type',
            'constant',
          ],
        },
      },
    },
    ['path'],
  ),
  tool(
    'mcp_call',
    'Calls a tool of a connected MCP server by its qualified name, with arguments as the server describes them.',
    {
      server: string('The MCP server name as configured.'),
      tool: string('The tool name on that server.'),
      arguments: {
        type: 'object',
        description: 'The tool arguments.',
        additionalProperties: true,
      },
    },
    ['server', 'tool'],
  ),
];
