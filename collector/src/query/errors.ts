/** A request parameter the API cannot use; answered with 400 and this message. */
export class InvalidParameterError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidParameterError';
  }
}
