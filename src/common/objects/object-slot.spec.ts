import { describe, expect, it } from 'vitest';
import { ObjectSlot } from './object-slot.js';

describe(ObjectSlot.name, () => {
  it('keeps a value per object, as a WeakMap would', () => {
    const slot = new ObjectSlot<object, string>('test');
    const a = {};
    const b = {};
    slot.set(a, 'one');
    expect(slot.get(a)).toBe('one');
    expect(slot.get(b)).toBeUndefined();
    expect(slot.has(a)).toBe(true);
    expect(slot.has(b)).toBe(false);
    slot.set(a, 'two');
    expect(slot.get(a)).toBe('two');
    slot.delete(a);
    expect(slot.get(a)).toBeUndefined();
    expect(slot.has(a)).toBe(false);
  });

  it('is invisible: keys, JSON, spreads, Object.assign and equality never see it', () => {
    const slot = new ObjectSlot<Record<string, unknown>, string>('test');
    const owner: Record<string, unknown> = { a: 1 };
    slot.set(owner, 'hidden');
    expect(Object.keys(owner)).toEqual(['a']);
    expect(JSON.stringify(owner)).toBe('{"a":1}');
    expect(slot.get({ ...owner })).toBeUndefined();
    expect(slot.get(Object.assign({}, owner))).toBeUndefined();
    expect(owner).toStrictEqual({ a: 1 });
  });

  it('keeps the value of an object that takes no new property', () => {
    const slot = new ObjectSlot<object, number>('test');
    const frozen = Object.freeze({});
    slot.set(frozen, 7);
    expect(slot.get(frozen)).toBe(7);
    slot.delete(frozen);
    expect(slot.get(frozen)).toBeUndefined();
  });

  it('keeps slots of two instances apart', () => {
    const first = new ObjectSlot<object, string>('same name');
    const second = new ObjectSlot<object, string>('same name');
    const owner = {};
    first.set(owner, 'first');
    expect(second.get(owner)).toBeUndefined();
  });
});
