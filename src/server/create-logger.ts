/**
 * The process logger (pino, JSON lines on stdout). Redaction is a second line of defence: code
 * never logs headers or config blocks, and these paths are censored should one slip in.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'key',
  '*.key',
  'appCertificate',
  '*.appCertificate',
  'sign',
  '*.sign',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'imbridge' } };
  return destination ? pino(options, destination) : pino(options);
}
