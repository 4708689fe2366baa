import { describe, expect, it } from 'vitest';
import { operationIdFor } from './operation-ids.js';

const PATHS = new Set([
  '/v1/responses',
  '/responses',
  '/v1/responses/{id}',
  '/responses/{id}',
  '/{upstream}/v1/responses',
  '/{upstream}/v1/{path}',
  '/health',
]);

describe(operationIdFor.name, () => {
  it('keeps the declared id on the /v1 path and on paths without a /v1 twin', () => {
    expect(operationIdFor('/v1/responses', 'createResponse', PATHS)).toBe(
      'createResponse',
    );
    expect(operationIdFor('/health', 'health', PATHS)).toBe('health');
  });

  it('names the unversioned alias of a /v1 path', () => {
    expect(operationIdFor('/responses', 'createResponse', PATHS)).toBe(
      'createResponseUnversioned',
    );
    expect(operationIdFor('/responses/{id}', 'getResponse', PATHS)).toBe(
      'getResponseUnversioned',
    );
  });

  it('names the named-upstream variant once', () => {
    expect(
      operationIdFor('/{upstream}/v1/{path}', 'passThroughGet', PATHS),
    ).toBe('passThroughGetOnUpstream');
    expect(
      operationIdFor(
        '/{upstream}/v1/responses',
        'createResponseOnUpstream',
        PATHS,
      ),
    ).toBe('createResponseOnUpstream');
  });

  it("drops the `[n]` Nest adds to a multi-path handler's default id", () => {
    expect(operationIdFor('/responses', 'Responses_create[1]', PATHS)).toBe(
      'Responses_createUnversioned',
    );
  });
});
