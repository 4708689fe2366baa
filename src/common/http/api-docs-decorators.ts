import type * as Swagger from '@nestjs/swagger';

/**
 * @nestjs/swagger's documentation decorators, recorded now and applied
 * when the OpenAPI document is first built (applyPendingApiDocs). The
 * package (with es-toolkit's compat layer, js-yaml and Swagger UI's
 * plumbing) is several MiB of heap that a gateway nobody asks for /docs
 * never needs; only the document builder reads what these decorators write.
 */
type SwaggerModuleExports = typeof Swagger;

/** What TypeScript hands any class, method or property decorator. */
type DecoratorCall = [
  target: object,
  key?: string | symbol,
  descriptor?: PropertyDescriptor,
];

/** Every documentation decorator swagger gives is one of these (or both). */
type Decorator = MethodDecorator | ClassDecorator;

/** In the order TypeScript applied them: swagger merges some metadata. */
const pending: ((swagger: SwaggerModuleExports) => void)[] = [];

function deferred<A extends unknown[]>(
  pick: (swagger: SwaggerModuleExports) => (...args: A) => Decorator,
) {
  return (...args: A) =>
    (...call: DecoratorCall): void => {
      pending.push((swagger) => {
        Reflect.apply(pick(swagger)(...args), undefined, call);
      });
    };
}

export const ApiBody: SwaggerModuleExports['ApiBody'] = deferred(
  (swagger) => swagger.ApiBody,
);
export const ApiHeader: SwaggerModuleExports['ApiHeader'] = deferred(
  (swagger) => swagger.ApiHeader,
);
export const ApiOkResponse: SwaggerModuleExports['ApiOkResponse'] = deferred(
  (swagger) => swagger.ApiOkResponse,
);
export const ApiOperation: SwaggerModuleExports['ApiOperation'] = deferred(
  (swagger) => swagger.ApiOperation,
);
export const ApiParam: SwaggerModuleExports['ApiParam'] = deferred(
  (swagger) => swagger.ApiParam,
);
export const ApiQuery: SwaggerModuleExports['ApiQuery'] = deferred(
  (swagger) => swagger.ApiQuery,
);
export const ApiResponse: SwaggerModuleExports['ApiResponse'] = deferred(
  (swagger) => swagger.ApiResponse,
);
export const ApiTags: SwaggerModuleExports['ApiTags'] = deferred(
  (swagger) => swagger.ApiTags,
);

/**
 * Applies, with the loaded @nestjs/swagger, every decorator recorded since
 * the last call: each runs once, as if it had run when its class loaded.
 */
export function applyPendingApiDocs(swagger: SwaggerModuleExports): void {
  // Taken off the list once applied: a decorator that throws fails every
  // build of the document alike, never leaves one built without the rest.
  for (let apply = pending[0]; apply !== undefined; apply = pending[0]) {
    apply(swagger);
    pending.shift();
  }
}
