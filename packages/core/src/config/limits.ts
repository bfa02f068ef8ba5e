// Size and rate limits, checked before any work. Derivations are spelled out because they are
// contracts with API Gateway, Lambda and DynamoDB, not taste.

const KiB = 1024;
const MiB = 1024 * KiB;

export const limits = {
  // Lambda's synchronous payload limit is 6 MiB (6,291,456 bytes) each way, API Gateway's 10 MB.
  // A decrypt response carries the plaintext as base64url (4/3), an encrypt response the envelope
  // (plaintext + header of at most ~9 KiB) as base64url: 4 MiB -> 5,592,406 chars + JSON, which
  // leaves ~680 KiB of headroom under 6 MiB for the header, the context and the tRPC wrapping.
  maxPlaintextBytes: 4 * MiB,
  // DynamoDB items are at most 400 KB, attribute names included; records and bins store the
  // envelope as binary with room to spare.
  maxRecordPlaintextBytes: 256 * KiB,
  maxBinCiphertextBytes: 256 * KiB,
  /** Sealed input (DESIGN §5): what it may carry is what a record may hold. */
  maxSealedPlaintextBytes: 256 * KiB,
  /** Header (91 bytes), a wrapped key from an RSA key of up to 4096 bits (512), IV and tag (28). */
  maxSealedOverheadBytes: 91 + 512 + 28,
  /** Request links (DESIGN §5.4). */
  maxRequestNoteChars: 500,
  minRequestExpirySeconds: 5 * 60,
  maxRequestExpirySeconds: 30 * 24 * 3600,
  defaultRequestExpirySeconds: 7 * 24 * 3600,
  maxRequestSubmissions: 100,
  /**
   * Larger bin contents go to S3 through presigned URLs (the browser moves the bytes, not Lambda):
   * a 25 MiB file with room for the payload header and the GCM tag. PrivateBin's default is ~10 MiB.
   */
  maxBinObjectBytes: 32 * MiB,
  /** Long enough to upload 32 MiB on a slow line; a URL signs one PUT of an exact size. */
  binUploadUrlSeconds: 15 * 60,
  /** A reader's download starts right after the reveal. */
  binDownloadUrlSeconds: 5 * 60,
  /** A batch: at most this many items and, in total, the single-call plaintext limit. */
  maxBatchItems: 100,
  /** Encryption context: stored in every envelope header and logged in clear by CloudTrail. */
  maxContextEntries: 16,
  maxContextKeyChars: 128,
  maxContextValueChars: 1024,
  maxContextBytes: 4 * KiB,
  /** The local gateway refuses larger request bodies with 413, as API Gateway + Lambda do. */
  maxRequestBodyBytes: 6 * MiB,
  /**
   * What one HTTP request may ask for, checked by the handlers before any work (issue 13): at most
   * this many tRPC calls in a batch, this many items across them (a batch procedure counts its
   * items), this many body bytes, and an estimated answer within Lambda's 6 MiB response limit.
   * 5.75 MiB leaves room for a single 4 MiB encrypt (5.6 MB of base64url and JSON) and its answer.
   */
  maxCallsPerRequest: 20,
  maxItemsPerRequest: 100,
  maxRequestBytes: 5.75 * MiB,
  maxResponseBytes: 5.75 * MiB,
  /** Secure bins (DESIGN §6). A KMS ciphertext blob for a 256-bit data key is ~184 bytes. */
  maxBinWrappedKeyBytes: 1 * KiB,
  minBinExpirySeconds: 5 * 60,
  maxBinExpirySeconds: 30 * 24 * 3600,
  defaultBinExpirySeconds: 24 * 3600,
  maxBinReads: 100,
  /**
   * Wrong passphrases (from holders of the whole link) before a bin is destroyed: a six-digit PIN
   * then survives an online attacker with odds of 1 in 100,000, and a person who mistypes still
   * has room (security-facts.md, "One-time secrets in the browser").
   */
  maxBinWrongPassphrases: 10,
  /**
   * Per source IP, per fixed window, for the public bin procedures that cost a KMS call. Generous
   * for a person (or an office behind one NAT), tight enough to keep a script off the KMS quota.
   */
  binRateLimits: {
    issueKey: { max: 30, windowSeconds: 60 },
    create: { max: 30, windowSeconds: 60 },
    /** update and delete: public too, and each costs a KMS Decrypt even for a wrong key. */
    manage: { max: 60, windowSeconds: 60 },
    /** reveal: no KMS call, but every call is a guess at a passphrase. */
    reveal: { max: 30, windowSeconds: 60 },
  },
} as const;
