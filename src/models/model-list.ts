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

/** `GET /v1/models` as an Anthropic client reads it (the OpenAI fields kept). */
export interface AnthropicModelList extends ModelList {
  data: (ModelObject & {
    type: 'model';
    display_name: string;
    created_at: string;
  })[];
  has_more: false;
  first_id: string | null;
  last_id: string | null;
}

/**
 * The list with Anthropic's fields added, for a request that carries
 * `anthropic-version` (Claude Code's model discovery, the Anthropic SDKs'
 * `models.list`): each model's `type`, `display_name` and `created_at`,
 * and the page fields. The whole list is one page.
 */
export function withAnthropicFields(list: ModelList): AnthropicModelList {
  const data = list.data.map(anthropicModel);
  return {
    ...list,
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  };
}

/** One model with Anthropic's fields added (OpenAI's `created` as `created_at`). */
export function anthropicModel(
  model: ModelObject,
): AnthropicModelList['data'][number] {
  return {
    ...model,
    type: 'model',
    display_name: model.id,
    created_at: isoDate(model.created),
  };
}

// The latest time a Date holds, in seconds (ECMA-262: 8.64e15 ms).
const LATEST_SECONDS = 8.64e12;

/** Unix seconds as an ISO date; anything an upstream sent that is not one, as the epoch. */
function isoDate(seconds: unknown): string {
  const valid =
    typeof seconds === 'number' &&
    Number.isFinite(seconds) &&
    Math.abs(seconds) <= LATEST_SECONDS;
  return new Date(valid ? seconds * 1000 : 0).toISOString();
}
