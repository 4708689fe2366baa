import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { ValidateRequestPipe } from '../../common/http/validate-request.pipe.js';
import {
  GetResponseQueryDto,
  InputItemsQueryDto,
} from './response-queries.dto.js';

const pipe = new ValidateRequestPipe();

function parse<T>(query: Record<string, string>, dto: new () => T): T {
  return pipe.transform(query, { type: 'query', metatype: dto }) as T;
}

function failure(run: () => unknown): GatewayException {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayException');
}

describe(InputItemsQueryDto.name, () => {
  it('pages 20 items, newest first, unless told otherwise', () => {
    expect(parse({}, InputItemsQueryDto).toItemListQuery()).toEqual({
      limit: 20,
      order: 'desc',
      after: undefined,
      before: undefined,
    });
    expect(
      parse(
        { limit: '2', order: 'asc', after: 'msg_1' },
        InputItemsQueryDto,
      ).toItemListQuery(),
    ).toEqual({ limit: 2, order: 'asc', after: 'msg_1', before: undefined });
  });

  it.each([['0'], ['101'], ['1.5'], ['ten'], ['']])(
    'refuses limit=%s naming limit',
    (limit) => {
      const error = failure(() => parse({ limit }, InputItemsQueryDto));
      expect(error.message).toBe('limit must be an integer from 1 to 100.');
      expect(error.param).toBe('limit');
    },
  );

  it('refuses an order other than asc or desc', () => {
    const error = failure(() => parse({ order: 'up' }, InputItemsQueryDto));
    expect(error.message).toBe("order must be 'asc' or 'desc'.");
    expect(error.param).toBe('order');
  });
});

describe(GetResponseQueryDto.name, () => {
  it('reads stream and starting_after (a replay of a background response)', () => {
    const replay = parse(
      { stream: 'true', starting_after: '7' },
      GetResponseQueryDto,
    );
    expect(replay.replay).toBe(true);
    expect(replay.startingAfter).toBe(7);
    const plain = parse({ stream: 'false' }, GetResponseQueryDto);
    expect(plain.replay).toBe(false);
    expect(plain.startingAfter).toBe(-1);
  });

  it('refuses a stream that is not a boolean, and a starting_after that is not a sequence number', () => {
    expect(
      failure(() => parse({ stream: 'yes' }, GetResponseQueryDto)),
    ).toMatchObject({ code: 'invalid_request', param: 'stream' });
    for (const startingAfter of ['x', '1.5', '-2']) {
      expect(
        failure(() =>
          parse({ starting_after: startingAfter }, GetResponseQueryDto),
        ),
      ).toMatchObject({ code: 'invalid_request', param: 'starting_after' });
    }
  });
});
