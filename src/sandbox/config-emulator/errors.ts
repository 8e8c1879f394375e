/**
 * An error the emulator answers as HTTP 400 `{"__type": name, "message": ...}`: the AWS JSON 1.1
 * error shape, which the SDK maps to its exception class of the same name.
 */
export class EmulatorError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** AWS's wording for a failed shape constraint ("1 validation error detected: ..."). */
export function constraintError(field: string, value: unknown, constraint: string): EmulatorError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  const clipped = shown !== undefined && shown.length > 80 ? `${shown.slice(0, 80)}...` : shown;
  return new EmulatorError(
    'ValidationException',
    `1 validation error detected: Value '${clipped}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
