import { describe, expect, it } from 'vitest';
import { orderKey, pickupMoves, supersedes, type PickupState } from '../../../core/model/order';

describe('an order owned by its origin', () => {
  it('is keyed by its origin system and id', () => {
    expect(orderKey({ system: 'square', externalId: 'CAISEHn' })).toBe('square:CAISEHn');
  });

  it('is replaced only by a newer revision of the origin: a repeat or a late delivery changes nothing', () => {
    expect(supersedes(undefined, { revision: 1 })).toBe(true);
    expect(supersedes({ revision: 3 }, { revision: 4 })).toBe(true);
    expect(supersedes({ revision: 4 }, { revision: 4 })).toBe(false);
    expect(supersedes({ revision: 4 }, { revision: 2 })).toBe(false);
  });
});

describe('click & collect states', () => {
  const moves = (from: PickupState, to: PickupState) => pickupMoves(from, to);

  it('moves forward through placed, ready for pickup and picked up, and may skip a step', () => {
    expect([moves('none', 'placed'), moves('placed', 'ready_for_pickup'), moves('ready_for_pickup', 'picked_up'), moves('placed', 'picked_up')]).toEqual([true, true, true, true]);
  });

  it('never moves back, never leaves picked up or cancelled, and a repeat is no move', () => {
    expect([moves('ready_for_pickup', 'placed'), moves('picked_up', 'ready_for_pickup'), moves('cancelled', 'placed'), moves('picked_up', 'cancelled'), moves('ready_for_pickup', 'ready_for_pickup')]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('can cancel an order that was not picked up yet', () => {
    expect([moves('placed', 'cancelled'), moves('ready_for_pickup', 'cancelled')]).toEqual([true, true]);
  });
});
