import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import {
  ApiOperation,
  ApiTags,
} from '../../common/http/api-docs-decorators.js';
import { CallerTenant } from '../../auth/request-tenant.js';
import type { Tenant } from '../../config/security/tenant.js';
import { ApiJsonBody, ApiJsonOk } from '../../openapi/api-docs.decorators.js';
import { CompactRequestDto } from './compact-request.dto.js';
import { CompactService, type CompactedResponse } from './compact.service.js';

/** `POST /v1/responses/compact`, and `/responses/compact`. */
@ApiTags('responses')
@Controller(['v1/responses', 'responses'])
export class CompactController {
  constructor(private readonly service: CompactService) {}

  @Post('compact')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'compactResponse',
    summary: 'Compact a conversation into a sealed summary',
    description:
      'The model summarises the conversation (`input`, or `previous_response_id` and its history); the output keeps your messages, then one opaque `compaction` item to send back as input.',
  })
  @ApiJsonBody('CompactResponseMethodPublicBody')
  @ApiJsonOk('CompactResource')
  compact(
    @Body() body: CompactRequestDto,
    @CallerTenant() tenant: Tenant | undefined,
    @Headers('authorization') authorization?: string,
  ): Promise<CompactedResponse> {
    return this.service.compact(body, authorization, tenant);
  }
}
