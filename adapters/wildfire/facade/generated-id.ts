/** A short id like the server's when a create call leaves the id empty (user create, group create). */
import { randomBytes } from 'node:crypto';

export function generatedId(): string {
  return randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
}
