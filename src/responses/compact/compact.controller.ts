import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Inject,
  Post,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { serverConfig } from '../../config/server.config.js';
import { forwardedAuthHeaders } from '../../model-call/forwarded-auth.js';
import { CompactRequestDto } from './compact-request.dto.js';
import {
  CompactService,
  type CompactedResponse,
  type CompactRequest,
} from './compact.service.js';

/** `POST /v1/responses/compact`, and `/responses/compact`. */
@Controller(['v1/responses', 'responses'])
export class CompactController {
  constructor(
    private readonly service: CompactService,
    @Inject(serverConfig.KEY)
    private readonly server: Pick<
      ConfigType<typeof serverConfig>,
      'forwardClientAuth'
    >,
  ) {}

  @Post('compact')
  @HttpCode(200)
  compact(
    @Body() body: CompactRequestDto,
    @Headers('authorization') authorization?: string,
  ): Promise<CompactedResponse> {
    return this.service.compact(body as CompactRequest, {
      headers: forwardedAuthHeaders(
        authorization,
        this.server.forwardClientAuth,
      ),
    });
  }
}
