/**
 * A value kept on an object under a private symbol: a WeakMap for objects
 * that live as long as a request (the request, its response, a decoded
 * answer). On Node 20 (V8 11.3) the young-generation GC keeps the value of
 * every entry of an old WeakMap whose key is young, so a value that reaches
 * its key (an observation naming its request) kept the request, its
 * response and its body through every scavenge and into the old
 * generation: 3.1 KB a request survived, 0.5 KB without
 * (bench/README.md, "Per-request WeakMaps"). The property is not
 * enumerable, as an entry is invisible: keys, JSON, spreads and
 * Object.assign never see it. An object that takes no new property
 * (frozen, sealed) keeps its value in a WeakMap instead.
 */
export class ObjectSlot<K extends object, V> {
  private readonly symbol: symbol;
  private fallback: WeakMap<K, V> | undefined;

  /** `name` names the symbol, for heap snapshots. */
  constructor(name: string) {
    this.symbol = Symbol(name);
  }

  get(owner: K): V | undefined {
    if (Object.prototype.hasOwnProperty.call(owner, this.symbol)) {
      return (owner as Record<symbol, V>)[this.symbol];
    }
    return this.fallback?.get(owner);
  }

  set(owner: K, value: V): void {
    if (Object.prototype.hasOwnProperty.call(owner, this.symbol)) {
      (owner as Record<symbol, V>)[this.symbol] = value;
    } else if (Object.isExtensible(owner)) {
      Object.defineProperty(owner, this.symbol, {
        value,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    } else {
      (this.fallback ??= new WeakMap()).set(owner, value);
    }
  }

  /** Whether `owner` holds a value (undefined counts as none). */
  has(owner: K): boolean {
    return this.get(owner) !== undefined;
  }

  /** Forgets the value; the property stays, undefined (`delete` would slow the object down). */
  delete(owner: K): void {
    if (Object.prototype.hasOwnProperty.call(owner, this.symbol)) {
      (owner as Record<symbol, V | undefined>)[this.symbol] = undefined;
    }
    this.fallback?.delete(owner);
  }
}
