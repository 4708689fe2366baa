import { Controller, Get, Headers, Param } from '@nestjs/common';
import type { ModelList, ModelObject } from './model-list.js';
import { ModelsService } from './models.service.js';

/**
 * `GET /v1/models` across every upstream. Static routes, so they win over
 * the `/v1/*` pass-through.
 */
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  list(@Headers('authorization') authorization?: string): Promise<ModelList> {
    return this.models.list(authorization);
  }

  // A wildcard, as ids contain slashes: `lmstudio/qwen/qwen3`.
  @Get('*')
  get(
    @Param('*') id: string,
    @Headers('authorization') authorization?: string,
  ): Promise<ModelObject> {
    return this.models.get(id, authorization);
  }
}
