// Module hooks of loaded-packages-preload.mjs: tells the main thread the URL
// of every ES module (and CommonJS file imported from one) that resolves.
let port;

export function initialize(data) {
  port = data.port;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}
