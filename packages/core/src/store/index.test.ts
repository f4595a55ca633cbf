import { describe, expect, it } from 'vitest';
import * as core from '../index.ts';
import * as store from './index.ts';

const STORE_ONLY = ['canTransition', 'decideNodeOutcome', 'ExecutionLedger', 'toCommitResult'];

describe('@spane/core/store', () => {
  it('holds the store-facing contract', () => {
    expect(Object.keys(store).sort()).toEqual([...STORE_ONLY].sort());
  });

  it('keeps it out of the main entry point', () => {
    for (const name of STORE_ONLY) expect(Object.keys(core)).not.toContain(name);
  });
});
