import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { mergeModelLists, readModelList } from './model-list.js';

const model = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  object: 'model',
  created: 1,
  owned_by: 'org',
  ...extra,
});

describe(readModelList.name, () => {
  it('returns the entries that have an id', () => {
    expect(
      readModelList(
        { object: 'list', data: [model('a'), { name: 'no id' }, null, 'x'] },
        'u',
      ),
    ).toEqual([model('a')]);
  });

  it('rejects an answer without a data array', () => {
    for (const body of [{ models: [] }, null, 'text']) {
      expect(() => readModelList(body, 'u')).toThrow(GatewayException);
    }
  });
});

describe(mergeModelLists.name, () => {
  it('keeps the only list exactly as the upstream sent it', () => {
    const data = [model('a', { permission: [] }), model('b')];
    expect(mergeModelLists([{ prefix: '', models: data }])).toEqual({
      object: 'list',
      data,
    });
  });

  it('prefixes the ids only, in upstream order', () => {
    expect(
      mergeModelLists([
        { prefix: '', models: [model('gpt')] },
        {
          prefix: 'lmstudio/',
          models: [model('qwen/qwen3', { owned_by: 'lm' })],
        },
      ]).data,
    ).toEqual([model('gpt'), model('lmstudio/qwen/qwen3', { owned_by: 'lm' })]);
  });

  it('keeps the first of two equal ids and fills a missing object field', () => {
    expect(
      mergeModelLists([
        {
          prefix: '',
          models: [{ id: 'x/y', object: undefined as never, n: 1 }],
        },
        { prefix: 'x/', models: [model('y')] },
      ]).data,
    ).toEqual([{ id: 'x/y', object: 'model', n: 1 }]);
  });
});
