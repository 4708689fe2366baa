import { describe, expect, it } from 'vitest';
import { resolveToolCallFamilies } from './tool-call-format.js';
import { ALL_TOOL_CALL_FAMILIES } from './tool-call-families.js';
import { parseToolCallsFromText } from './parse-tool-calls-from-text.js';
import { parserMarkersOf } from './streaming-parser-options.js';

const names = (format: string, model: string) =>
  resolveToolCallFamilies(format, model).map((f) => f.name);

describe(resolveToolCallFamilies.name, () => {
  const byModel: Array<[string, string[]]> = [
    ['Qwen/Qwen3-Coder-30B-A3B-Instruct', ['qwen3-coder-xml', 'hermes-json']],
    ['Qwen/Qwen3.5-35B-A3B', ['qwen3-coder-xml', 'hermes-json']],
    ['nvidia/Nemotron-3-Nano-30B', ['qwen3-coder-xml']],
    ['Qwen/Qwen3-8B', ['hermes-json']],
    ['NousResearch/Hermes-3-Llama-3.1-8B', ['hermes-json', 'llama3-json']],
    ['zai-org/GLM-4.6', ['glm']],
    ['deepseek-ai/DeepSeek-V3.1', ['deepseek']],
    ['moonshotai/Kimi-K2-Instruct', ['kimi-k2']],
    ['MiniMaxAI/MiniMax-M2', ['minimax-m2']],
    ['openai/gpt-oss-20b', ['harmony']],
    ['mistralai/Devstral-Small-2507', ['mistral']],
    ['microsoft/Phi-4-mini-instruct', ['phi4-mini']],
    ['ibm-granite/granite-3.3-8b-instruct', ['granite']],
    ['google/gemma-4-27b-it', ['gemma4']],
    ['google/functiongemma-270m-it', ['function-gemma']],
    ['google/gemma-3-27b-it', ['tool-code']],
    ['LiquidAI/LFM2-1.2B', ['lfm2']],
    ['allenai/Olmo-3-7B-Instruct', ['olmo3']],
    ['CohereLabs/c4ai-command-r7b-12-2024', ['cohere']],
    ['meta-llama/Llama-3.1-8B-Instruct', ['llama3-json']],
    ['meta-llama/Llama-3.2-3B-Instruct', ['llama3-json', 'pythonic']],
    ['meta-llama/Llama-4-Scout-17B-16E', ['pythonic']],
  ];
  for (const [model, expected] of byModel) {
    it(`auto picks ${expected.join(', ')} for ${model}`, () => {
      expect(names('auto', model)).toEqual(expected);
    });
  }

  it('auto falls back to every family for an unknown model', () => {
    expect(names('auto', 'my-finetune')).toEqual(
      ALL_TOOL_CALL_FAMILIES.map((f) => f.name),
    );
  });

  it('none disables parsing', () => {
    expect(resolveToolCallFamilies('none', 'Qwen/Qwen3-8B')).toEqual([]);
  });

  it('a family name selects that family whatever the model', () => {
    expect(names('glm', 'Qwen/Qwen3-8B')).toEqual(['glm']);
    expect(names(' Kimi-K2 ', 'x')).toEqual(['kimi-k2']);
  });

  it('"START,END" builds a custom JSON family', () => {
    const [sut] = resolveToolCallFamilies('<call>,</call>', 'x');
    expect(sut?.name).toBe('custom');
    const tools = new Map([['get_time', undefined]]);
    expect(
      parseToolCallsFromText(
        'a<call>{"name": "get_time", "arguments": {"tz": "UTC"}}</call>b',
        sut!,
        { tools },
      ),
    ).toEqual({
      text: 'ab',
      reasoning: '',
      toolCalls: [{ name: 'get_time', arguments: '{"tz":"UTC"}' }],
    });
  });

  it('rejects an unknown format', () => {
    expect(() => resolveToolCallFamilies('qwen9', 'x')).toThrow(
      /Unknown tool-call format/,
    );
    expect(() => resolveToolCallFamilies(',</x>', 'x')).toThrow();
  });
});

describe('family lists and their parser markers, worked out once', () => {
  it('gives a format and model the same frozen list each time, a bounded number of them', () => {
    const qwen = resolveToolCallFamilies('auto', 'Qwen/Qwen3-8B');
    expect(resolveToolCallFamilies('auto', 'Qwen/Qwen3-8B')).toBe(qwen);
    expect(Object.isFrozen(qwen)).toBe(true);
    expect(resolveToolCallFamilies('auto', 'zai-org/GLM-4.6')).not.toBe(qwen);
    for (let model = 0; model < 256; model++) {
      resolveToolCallFamilies('auto', `client-model-${model}`);
    }
    const again = resolveToolCallFamilies('auto', 'Qwen/Qwen3-8B');
    expect(again).not.toBe(qwen);
    expect(again).toEqual(qwen);
  });

  it('does not remember a model name longer than 256 characters (a client could send megabytes)', () => {
    const long = `Qwen/Qwen3-8B-${'x'.repeat(300)}`;
    const once = resolveToolCallFamilies('auto', long);
    expect(Object.isFrozen(once)).toBe(true);
    expect(once.map((f) => f.name)).toEqual(['hermes-json']);
    expect(resolveToolCallFamilies('auto', long)).not.toBe(once);
  });

  it('works out the markers of a list built for one call anew, remembering nothing', () => {
    const built = [...resolveToolCallFamilies('auto', 'Qwen/Qwen3-8B')];
    const markers = parserMarkersOf(built, true, {});
    expect(parserMarkersOf(built, true, {})).not.toBe(markers);
    expect(parserMarkersOf(built, true, {})).toEqual(markers);
  });

  it('keeps one set of markers per list, tools and reasoning options', () => {
    const list = resolveToolCallFamilies('auto', 'unknown-model');
    const markers = parserMarkersOf(list, true, {});
    expect(parserMarkersOf(list, true, {})).toBe(markers);
    expect(markers.toolMarkers).toContain('<tool_call>');
    expect(markers.reasoningOpens[0]).toBe('<think>');
    const withoutTools = parserMarkersOf(list, false, {});
    expect(withoutTools).not.toBe(markers);
    expect(withoutTools.families.length).toBeLessThan(markers.families.length);
    expect(parserMarkersOf(list, true, { parseReasoning: false })).toEqual(
      expect.objectContaining({ reasoningTags: [], reasoningOpens: [] }),
    );
  });
});
