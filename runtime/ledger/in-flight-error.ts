import { TransientError } from '../../core/plugin-api/index.ts';

/**
 * Another attempt holds the claim on this effect and may still be running it. Transient: the retry
 * policy tries again later, when that attempt has committed (the retry returns its result) or its
 * claim has timed out (the retry looks the object up remotely and takes over).
 */
export class InFlightError extends TransientError {
  readonly effectKey: string;
  readonly attempt: number;
  readonly claimedAt: Date;

  constructor(effectKey: string, attempt: number, claimedAt: Date) {
    super(
      `effect ${effectKey} is being performed by attempt ${attempt} (claimed ${claimedAt.toISOString()}); ` +
        'it was not performed again — retry later',
      { code: 'EFFECT_IN_FLIGHT' },
    );
    this.name = 'InFlightError';
    this.effectKey = effectKey;
    this.attempt = attempt;
    this.claimedAt = claimedAt;
  }
}
