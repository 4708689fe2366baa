import type {
  HeaderObject,
  ParameterObject,
  ReferenceObject,
} from '@nestjs/swagger';

/** The header of the request id (app.setup.ts sets it on every answer). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Component names of the request id's parameter and response header. */
const COMPONENT = 'RequestId';

const REQUEST_ID_PARAMETER: ParameterObject = {
  name: REQUEST_ID_HEADER,
  in: 'header',
  required: false,
  description:
    "Your id for this request. Echoed in the answer's `x-request-id` and written in the gateway's log lines when it is 1 to 128 characters of letters, digits and `_ . : @ -`; any other value is replaced by a UUID.",
  schema: { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$' },
};

const REQUEST_ID_RESPONSE_HEADER: HeaderObject = {
  description:
    "The id of this request in the gateway's log lines: the `x-request-id` the client sent when it was acceptable, else a UUID. A pass-through answer carries the upstream's own `x-request-id` instead when the upstream sends one (OpenAI does). Browser clients can read it when CORS_ORIGINS is set.",
  schema: { type: 'string' },
};

/** `components` entries of the request id, merged into the document. */
export const REQUEST_ID_COMPONENTS = {
  parameters: { [COMPONENT]: REQUEST_ID_PARAMETER },
  headers: { [COMPONENT]: REQUEST_ID_RESPONSE_HEADER },
};

/** The parameter every operation takes. */
export const REQUEST_ID_PARAMETER_REF: ReferenceObject = {
  $ref: `#/components/parameters/${COMPONENT}`,
};

/** The header every answer carries. */
export const REQUEST_ID_HEADER_REF: ReferenceObject = {
  $ref: `#/components/headers/${COMPONENT}`,
};
