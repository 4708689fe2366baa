import { GatewayException } from '../common/errors/gateway.exception.js';

/** One entry of `GET /v1/models`; upstream fields beyond `id` are kept. */
export interface ModelObject {
  id: string;
  object: string;
  created?: number;
  owned_by?: string;
  [key: string]: unknown;
}

/** The body of `GET /v1/models`. */
export interface ModelList {
  object: 'list';
  data: ModelObject[];
}

/** The models one upstream listed, and the id prefix they get. */
export interface UpstreamModels {
  /** `name/` for a named upstream; empty for the default one. */
  prefix: string;
  models: ModelObject[];
}

/**
 * The model objects of an upstream's `/models` answer.
 * @throws GatewayException `upstream_bad_response` when it is not a list.
 */
export function readModelList(
  body: unknown,
  upstreamName: string,
): ModelObject[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new GatewayException(
      'upstream_bad_response',
      `The upstream '${upstreamName}' sent a model list without a data array.`,
      { openAiCode: 'upstream_bad_response' },
    );
  }
  return data.filter(
    (entry): entry is ModelObject =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as { id?: unknown }).id === 'string',
  );
}

/**
 * One list of every upstream's models, in upstream order, each id prefixed
 * with its upstream's prefix; the first of two equal ids wins.
 */
export function mergeModelLists(lists: readonly UpstreamModels[]): ModelList {
  const seen = new Set<string>();
  const data: ModelObject[] = [];
  for (const { prefix, models } of lists) {
    for (const model of models) {
      const id = `${prefix}${model.id}`;
      if (!seen.has(id)) {
        seen.add(id);
        data.push({
          ...model,
          id,
          object: typeof model.object === 'string' ? model.object : 'model',
        });
      }
    }
  }
  return { object: 'list', data };
}
