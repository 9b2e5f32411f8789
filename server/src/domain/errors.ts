import type { ErrorCode, ProtocolError } from '@werkraum/shared/errors';

/** A refusal that the caller should see: carries a protocol error code and a human message. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** The error as it goes over the wire. */
  toProtocol(): ProtocolError {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}
