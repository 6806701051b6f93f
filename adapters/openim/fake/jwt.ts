/** The token helpers moved to `../protocol/jwt.ts` (shared with the compat facade); kept for existing imports. */
export { signToken, verifyToken, type TokenClaims } from '../protocol/jwt.js';
