import { describe, expect, it } from 'vitest';
import { credentialHeaderValues } from './credential-headers.js';

describe(credentialHeaderValues.name, () => {
  it('picks the values of credential headers, whatever their case', () => {
    expect(
      credentialHeaderValues({
        Authorization: 'Bearer a',
        'X-Api-Key': 'b',
        'api-key': 'c',
        'x-auth-token': 'd',
        Cookie: 'e',
        'x-client-secret': 'f',
        'content-type': 'application/json',
        'x-tenant': 'acme',
      }),
    ).toEqual(['Bearer a', 'b', 'c', 'd', 'e', 'f']);
    expect(credentialHeaderValues(undefined)).toEqual([]);
  });
});
