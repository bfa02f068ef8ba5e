// Browser-side formats fail with their own error: this package knows nothing of the server's
// CofferError or tRPC. The message is written for a person and never quotes key material.

export class SealingError extends Error {
  override readonly name = "SealingError";

  constructor(
    /** A stable machine-readable cause, e.g. "bin_content_unreadable". */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}
