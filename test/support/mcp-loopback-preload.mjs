// Preloaded (`node --import`) into third-party servers that call
// `listen(port)` without a host: binds them to 127.0.0.1 instead of every
// interface, since they offer no host option.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  const isPort =
    typeof first === 'number' ||
    (typeof first === 'string' && /^\d+$/.test(first));
  if (isPort && typeof second !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
