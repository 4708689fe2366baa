import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../../common/errors/gateway.exception.js';
import { validatedBody } from '../../../common/http/validate-request.pipe.js';
import { CreateResponseDto } from '../../dto/create-response.dto.js';
import {
  CreateConversationDto,
  CreateConversationItemsDto,
  UpdateConversationDto,
} from './conversation-bodies.dto.js';

/** The error ValidateRequestPipe gives `body` as a `type`, or undefined when valid. */
function rejection(
  body: Record<string, unknown>,
  type: new () => object,
): GatewayException | undefined {
  try {
    validatedBody(body, type);
    return undefined;
  } catch (error) {
    if (error instanceof GatewayException) {
      return error;
    }
    throw error;
  }
}

const message = { type: 'message', role: 'user', content: 'hi' };

describe('Conversations API bodies', () => {
  it('accepts an empty create body, and items with metadata', () => {
    expect(rejection({}, CreateConversationDto)).toBeUndefined();
    expect(
      rejection(
        { items: [message], metadata: { a: 'b' } },
        CreateConversationDto,
      ),
    ).toBeUndefined();
  });

  it.each([
    [{ items: 'hi' }, CreateConversationDto, 'items'],
    [
      { items: [{ type: 'message', role: 'robot' }] },
      CreateConversationDto,
      'items[0].role',
    ],
    [{ metadata: { a: 1 } }, CreateConversationDto, 'metadata'],
    [{}, UpdateConversationDto, 'metadata'],
    [{}, CreateConversationItemsDto, 'items'],
    [
      { items: Array.from({ length: 21 }, () => message) },
      CreateConversationItemsDto,
      'items',
    ],
  ] as const)('rejects %j with param %s', (body, type, param) => {
    expect(rejection(body, type)).toMatchObject({
      code: 'invalid_request',
      param,
    });
  });
});

describe('conversation on POST /v1/responses', () => {
  const create = (extra: Record<string, unknown>) =>
    rejection({ model: 'm', input: 'hi', ...extra }, CreateResponseDto);

  it('takes an id or {id}', () => {
    expect(create({ conversation: 'conv_1' })).toBeUndefined();
    expect(create({ conversation: { id: 'conv_1' } })).toBeUndefined();
    expect(create({ conversation: null })).toBeUndefined();
  });

  it.each([
    [{ conversation: 'resp_1' }, 'conversation'],
    [{ conversation: 5 }, 'conversation'],
    [{ conversation: { id: 7 } }, 'conversation.id'],
  ])('rejects %j with param %s', (extra, param) => {
    expect(create(extra)).toMatchObject({ code: 'invalid_request', param });
  });

  it('refuses it together with previous_response_id', () => {
    expect(
      create({ conversation: 'conv_1', previous_response_id: 'resp_1' }),
    ).toMatchObject({
      param: null,
      options: { openAiCode: 'mutually_exclusive_parameters' },
    });
  });
});
