/**
 * The layers of src/ and what each may import (ARCHITECTURE.md draws them).
 * `npm run lint` runs this; a new import that climbs a layer, or that joins
 * chat-completions and responses, fails it. Every folder may import itself,
 * npm packages and Node built-ins; the entry files in src/ (app.module,
 * main, cli…) may import anything; tests may import anything.
 */
const LAYERS = {
  protocol: [],
  common: ['protocol'],
  config: ['common', 'protocol'],
  'tool-calls': ['common', 'protocol'],
  metrics: ['common', 'config', 'protocol'],
  auth: ['common', 'config', 'protocol'],
  limits: ['auth', 'common', 'config', 'metrics', 'protocol'],
  openapi: ['auth', 'common', 'config', 'protocol'],
  'llm-client': ['common', 'config', 'metrics', 'protocol'],
  'model-call': ['common', 'config', 'llm-client', 'protocol', 'tool-calls'],
  mcp: ['auth', 'common', 'config', 'metrics', 'openapi', 'protocol'],
  lifecycle: ['common', 'config', 'llm-client', 'protocol'],
  proxy: ['auth', 'common', 'config', 'llm-client', 'protocol'],
  models: [
    'auth',
    'common',
    'config',
    'llm-client',
    'metrics',
    'openapi',
    'protocol',
  ],
  'agent-format': [
    'common',
    'config',
    'mcp',
    'model-call',
    'protocol',
    'tool-calls',
  ],
  'chat-completions': [
    'agent-format',
    'auth',
    'common',
    'config',
    'lifecycle',
    'llm-client',
    'mcp',
    'metrics',
    'model-call',
    'openapi',
    'protocol',
    'tool-calls',
  ],
  responses: [
    'agent-format',
    'auth',
    'common',
    'config',
    'lifecycle',
    'limits',
    'llm-client',
    'mcp',
    'metrics',
    'model-call',
    'openapi',
    'protocol',
    'tool-calls',
  ],
  messages: [
    'agent-format',
    'auth',
    'common',
    'config',
    'lifecycle',
    'limits',
    'llm-client',
    'mcp',
    'metrics',
    'model-call',
    'openapi',
    'protocol',
    'tool-calls',
  ],
  health: [
    'common',
    'config',
    'lifecycle',
    'llm-client',
    'mcp',
    'metrics',
    'openapi',
    'protocol',
  ],
  demo: [],
};

const TESTS = '\\.spec\\.ts$|\\.test-support\\.ts$';

const layerRules = Object.entries(LAYERS).map(([folder, allowed]) => ({
  name: `layer-${folder}`,
  comment: `src/${folder} may import only ${allowed.join(', ') || 'nothing else in src'} (ARCHITECTURE.md)`,
  severity: 'error',
  from: { path: `^src/${folder}/`, pathNot: TESTS },
  to: {
    path: '^src/',
    pathNot: `^src/(${[folder, ...allowed].join('|')})/`,
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'unknown-folder',
      comment:
        'every folder of src/ has a layer in .dependency-cruiser.cjs and ARCHITECTURE.md',
      severity: 'error',
      from: {
        path: '^src/[^/]+/',
        pathNot: `^src/(${Object.keys(LAYERS).join('|')})/`,
      },
      to: {},
    },
    {
      name: 'src-imports-no-tests',
      comment: 'code that ships does not import test helpers',
      severity: 'error',
      from: { path: '^src/', pathNot: TESTS },
      to: { path: '^test/|\\.test-support\\.ts$|\\.spec\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'no file imports a file that imports it back',
      severity: 'error',
      from: { path: '^src/', pathNot: TESTS },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|coverage|bench/\\.tmp)/' },
  },
};
