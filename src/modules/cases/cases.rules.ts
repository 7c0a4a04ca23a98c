import { isUniqueViolation } from '../../platform/db/dialect.ts';
import { conflict } from '../../platform/http/errors.ts';

/**
 * A write that the database's unique index may refuse (two editors racing, or a name already
 * taken): the refusal becomes a 409 with a stable code instead of a 500.
 */
export async function keepingUnique<T>(write: Promise<T>, code: string, message: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(code, message);
    throw error;
  }
}
