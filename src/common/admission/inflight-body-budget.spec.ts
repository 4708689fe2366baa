import { describe, expect, it } from 'vitest';
import { InflightBodyBudget } from './inflight-body-budget.js';

describe(InflightBodyBudget.name, () => {
  it('grants bytes up to its limit and refuses what would go over', () => {
    const sut = new InflightBodyBudget(100);
    const first = sut.reserve();
    const second = sut.reserve();
    expect(first.add(60)).toBe(true);
    expect(second.add(41)).toBe(false);
    expect(second.add(40)).toBe(true);
    expect(sut.usedBytes).toBe(100);
    expect(first.add(1)).toBe(false);
  });

  it('gives back everything a reservation held, once', () => {
    const sut = new InflightBodyBudget(100);
    const first = sut.reserve();
    first.add(30);
    first.add(30);
    const second = sut.reserve();
    second.add(40);
    first.release();
    first.release();
    expect(sut.usedBytes).toBe(40);
    second.release();
    expect(sut.usedBytes).toBe(0);
  });

  it('adds nothing to a released reservation', () => {
    const sut = new InflightBodyBudget(100);
    const reservation = sut.reserve();
    reservation.release();
    expect(reservation.add(10)).toBe(false);
    expect(sut.usedBytes).toBe(0);
  });
});
