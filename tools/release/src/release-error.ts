/** Every code a {@link ReleaseError} can carry. */
export type ReleaseErrorCode =
  | 'NOT_BUILT'
  | 'PACK_FAILED'
  | 'PACKAGE_CHECK_FAILED'
  | 'REGISTRY_START_FAILED'
  | 'PUBLISH_FAILED'
  | 'INSTALL_FAILED'
  | 'EXAMPLE_FAILED'
  | 'TYPECHECK_FAILED'
  | 'UNWANTED_DEPENDENCY';

/** The error of the release tools: a stable `code`, and the output of the command that failed. */
export class ReleaseError extends Error {
  readonly code: ReleaseErrorCode;
  /** The tail of the failing command's output, when a command failed. */
  readonly output: string;

  constructor(options: {
    code: ReleaseErrorCode;
    message: string;
    output?: string;
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReleaseError';
    this.code = options.code;
    this.output = options.output ?? '';
  }
}
