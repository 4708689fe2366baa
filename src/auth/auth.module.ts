import { Module } from '@nestjs/common';
import { KeysReloaderService } from './keys-reloader.service.js';

/** Inbound keys at run time: their files reloaded when they change. */
@Module({ providers: [KeysReloaderService] })
export class AuthModule {}
