import { Controller, Get, Headers, Param } from '@nestjs/common';
import { CallerTenant } from '../auth/request-tenant.js';
import { ApiOperation, ApiTags } from '../common/http/api-docs-decorators.js';
import type { Tenant } from '../config/security/tenant.js';
import { ApiErrorResponse, ApiJsonOk } from '../openapi/api-docs.decorators.js';
import type { ModelList, ModelObject } from './model-list.js';
import { ModelsService } from './models.service.js';

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
  list(
    @CallerTenant() tenant: Tenant | undefined,
    @Headers('authorization') authorization?: string,
  ): Promise<ModelList> {
    return this.models.list(authorization, tenant);
  }

  // A wildcard, as ids contain slashes: `lmstudio/qwen/qwen3`.
  @Get('*')
  @ApiOperation({
    operationId: 'retrieveModel',
    summary: 'One model; its id may contain slashes',
  })
  @ApiJsonOk('Model')
  @ApiErrorResponse(
    404,
    'No upstream lists this model, or the API key may not use it.',
  )
  get(
    @Param('*') id: string,
    @CallerTenant() tenant: Tenant | undefined,
    @Headers('authorization') authorization?: string,
  ): Promise<ModelObject> {
    return this.models.get(id, authorization, tenant);
  }
}
