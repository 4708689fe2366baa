import 'reflect-metadata';
import { getMetadataStorage } from '../common/validation/class-validator.js';
import { ConversationEnvironment } from './conversation.env.js';
import { LifecycleEnvironment } from './lifecycle.env.js';
import { LimitsEnvironment } from './limits.env.js';
import { ResponsesEnvironment } from './responses.env.js';
import { SecurityEnvironment } from './security.env.js';
import { ServerEnvironment } from './server.env.js';
import { describedSettings } from './setting.decorator.js';
import { StorageEnvironment } from './storage.env.js';
import { UpstreamEnvironment } from './upstream.env.js';
import { UpstreamsEnvironment } from './upstreams.env.js';

/**
 * Every env class, by the name of its group in GatewayEnvironment, in the
 * order `--help` and the README list them. Add a group here when a feature
 * adds settings.
 */
export const ENVIRONMENT_GROUPS = {
  server: ServerEnvironment,
  upstream: UpstreamEnvironment,
  upstreams: UpstreamsEnvironment,
  conversation: ConversationEnvironment,
  responses: ResponsesEnvironment,
  storage: StorageEnvironment,
  security: SecurityEnvironment,
  limits: LimitsEnvironment,
  lifecycle: LifecycleEnvironment,
} as const;

export type EnvironmentGroupName = keyof typeof ENVIRONMENT_GROUPS;

/** Every environment group, validated; shared by every reader, so read-only. */
export type GatewayEnvironment = {
  readonly [Group in EnvironmentGroupName]: Readonly<
    InstanceType<(typeof ENVIRONMENT_GROUPS)[Group]>
  >;
};

export type EnvironmentGroup = new () => object;

const namesByGroup = new Map<EnvironmentGroup, readonly string[]>();

/**
 * The settings of an env class: its validated, initialised and described
 * properties (a property needs only one of the three to be a setting).
 */
export function settingNamesOf(group: EnvironmentGroup): readonly string[] {
  let names = namesByGroup.get(group);
  if (names === undefined) {
    names = [
      ...new Set([
        ...getMetadataStorage()
          .getTargetValidationMetadatas(group, '', true, false)
          .map((metadata) => metadata.propertyName),
        ...Object.keys(new group()),
        ...describedSettings(group).keys(),
      ]),
    ];
    namesByGroup.set(group, names);
  }
  return names;
}

/** Every setting of every group, in group order. */
export function allSettingNames(): readonly string[] {
  return Object.values(ENVIRONMENT_GROUPS).flatMap(settingNamesOf);
}
