/** An ARM error answer: HTTP status plus ARM's `{ error: { code, message, target, details } }` body. */
export class ArmHttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly target?: string,
    public readonly details: readonly { code: string; message: string; target?: string }[] = [],
    public readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  body(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target !== undefined ? { target: this.target } : {}),
        details: this.details,
      },
    };
  }
}

export const badRequest = (code: string, message: string, target?: string): ArmHttpError =>
  new ArmHttpError(400, code, message, target);
export const conflict = (code: string, message: string, target?: string): ArmHttpError =>
  new ArmHttpError(409, code, message, target);
export const notFound = (code: string, message: string): ArmHttpError => new ArmHttpError(404, code, message);
