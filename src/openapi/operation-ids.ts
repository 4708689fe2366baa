import type { OpenAPIObject } from '@nestjs/swagger';

/** The paths of the routes on a named upstream start with it. */
const UPSTREAM_PREFIX = '/{upstream}/';
const ON_UPSTREAM = 'OnUpstream';
const UNVERSIONED = 'Unversioned';

/** The operation keys of a Path Item Object. */
export const OPERATION_METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
] as const;

/**
 * The operation id of one of the paths a handler serves. A handler declares
 * one id (`@ApiOperation({ operationId })`), named for its `/v1/…` path; the
 * scanner gives it to every path of the handler, and Nest adds `[n]` to the
 * default id of a handler with several. So the path picks the variant:
 * `/{upstream}/v1/…` gets `…OnUpstream` (unless declared so already), and an
 * unversioned alias (`/responses` beside `/v1/responses`) gets
 * `…Unversioned`.
 */
export function operationIdFor(
  path: string,
  declared: string,
  paths: ReadonlySet<string>,
): string {
  const id = declared.replace(/\[\d+\]$/, '');
  if (path.startsWith(UPSTREAM_PREFIX)) {
    return id.endsWith(ON_UPSTREAM) ? id : `${id}${ON_UPSTREAM}`;
  }
  if (!path.startsWith('/v1/') && paths.has(`/v1${path}`)) {
    return `${id}${UNVERSIONED}`;
  }
  return id;
}

/**
 * Generated clients name their methods after operation ids, so two
 * operations of one id would collide.
 * @throws Error naming the first id two operations share.
 */
export function assertUniqueOperationIds(document: OpenAPIObject): void {
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of OPERATION_METHODS) {
      const id = item[method]?.operationId;
      if (id === undefined) {
        continue;
      }
      const other = seen.get(id);
      if (other !== undefined) {
        throw new Error(
          `two operations have the id ${id}: ${other} and ${method.toUpperCase()} ${path}`,
        );
      }
      seen.set(id, `${method.toUpperCase()} ${path}`);
    }
  }
}
