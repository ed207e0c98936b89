/** Base of every error careflow raises on purpose. */
export class CareflowError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CareflowError';
  }
}

export interface Problem {
  /** Where the problem is, e.g. `steps.invite.next` or `detail.total`. */
  path: string;
  message: string;
}

/** Input that does not pass its schema; lists every problem with its location. */
export class ValidationError extends CareflowError {
  constructor(
    message: string,
    readonly problems: Problem[],
    options?: { cause?: unknown },
  ) {
    super(message, 'ValidationError', options);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends CareflowError {
  constructor(message: string) {
    super(message, 'NotFound');
    this.name = 'NotFoundError';
  }
}

/** A conditional write lost: somebody else got there first (usually: already done). */
export class ConflictError extends CareflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'Conflict', options);
    this.name = 'ConflictError';
  }
}

/** A signed link that is forged, tampered with or expired. */
export class InvalidLinkError extends CareflowError {
  constructor(
    message: string,
    readonly reason: 'malformed' | 'signature' | 'expired',
  ) {
    super(message, 'InvalidLink');
    this.name = 'InvalidLinkError';
  }
}
