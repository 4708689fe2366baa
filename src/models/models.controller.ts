import type { IncomingHttpHeaders } from 'node:http';
import { Controller, Get, Headers, Param } from '@nestjs/common';
import { CallerTenant } from '../auth/request-tenant.js';
import { clientAuthorization } from '../common/http/client-call-options.js';
import {
  ApiHeader,
  ApiOperation,
  ApiTags,
} from '../common/http/api-docs-decorators.js';
import type { Tenant } from '../config/security/tenant.js';
import { ApiErrorResponse, ApiJsonOk } from '../openapi/api-docs.decorators.js';
import {
  type ModelList,
  type ModelObject,
  anthropicModel,
  withAnthropicFields,
} from './model-list.js';
import { ModelsService } from './models.service.js';

/** The header that asks for Anthropic's fields (see withAnthropicFields). */
const ANTHROPIC_VERSION_HEADER = ApiHeader({
  name: 'anthropic-version',
  required: false,
  description:
    "Sent by Anthropic's clients: the answer then also carries Anthropic's fields (`type`, `display_name`, `created_at`; on the list `has_more`, `first_id`, `last_id`), and errors are in Anthropic's shape.",
});

/**
 * `GET /v1/models` across every upstream. Static routes, so they win over
 * the `/v1/*` pass-through.
 */
@ApiTags('models')
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @ApiOperation({
    operationId: 'listModels',
    summary: "Every upstream's models, ids prefixed by upstream",
  })
  @ApiJsonOk('ListModelsResponse')
  @ANTHROPIC_VERSION_HEADER
  async list(
    @CallerTenant() tenant: Tenant | undefined,
    @Headers() headers: IncomingHttpHeaders,
  ): Promise<ModelList> {
    const list = await this.models.list(clientAuthorization(headers), tenant);
    const anthropicVersion = headers['anthropic-version'];
    // An Anthropic client reads its own fields (type, display_name, has_more…).
    return anthropicVersion === undefined ? list : withAnthropicFields(list);
  }

  // A wildcard, as ids contain slashes: `lmstudio/qwen/qwen3`.
  @Get('*')
  @ApiOperation({
    operationId: 'retrieveModel',
    summary: 'One model; its id may contain slashes',
  })
  @ApiJsonOk('Model')
  @ANTHROPIC_VERSION_HEADER
  @ApiErrorResponse(
    404,
    'No upstream lists this model, or the API key may not use it.',
  )
  async get(
    @Param('*') id: string,
    @CallerTenant() tenant: Tenant | undefined,
    @Headers() headers: IncomingHttpHeaders,
  ): Promise<ModelObject> {
    const model = await this.models.get(
      id,
      clientAuthorization(headers),
      tenant,
    );
    const anthropicVersion = headers['anthropic-version'];
    return anthropicVersion === undefined ? model : anthropicModel(model);
  }
}
