/**
 * Unified errors → WuKongIM's answer. WuKongIM answers every handler error as HTTP 400
 * `{"msg":"<text>","status":400}` (note §1), so does the facade: the unified code picks the text.
 * Where the vendor has a text for the same situation it is used; otherwise the unified message
 * (English, secret-free) is the text, so the app still gets the vendor's shape.
 */
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ImBridgeError } from '../../../src/spec/index.js';
import { TEXTS, VendorFailure, sendFailure } from '../protocol/wire.js';
import type { FailureAnswer, PassThroughFailure } from '../../../src/facade-kit/pass-through.js';
import { noteErrorCode } from '../../../src/facade-kit/facade-outcome.js';

/** The vendor text for a unified error. */
export function vendorMessageFor(error: ImBridgeError): string {
  // v1's answer for an unknown channel; v2 would have created the channel on the fly.
  if (error.code === 'GROUP_NOT_FOUND') return TEXTS.channelNotFound;
  return error.message;
}

/** Answers any failure of a translated route in the vendor's error shape. */
export function answerError(response: Response, error: unknown, logger: Logger): void {
  if (error instanceof VendorFailure) {
    sendFailure(response, error.message);
    return;
  }
  if (ImBridgeError.is(error)) {
    noteErrorCode(response, error.code);
    if (error.code.startsWith('UPSTREAM') || error.code === 'PARTIAL_FAILURE' || error.code === 'INTERNAL') {
      logger.warn({ code: error.code, reason: error.message }, 'compat call failed on the backend');
    }
    sendFailure(response, vendorMessageFor(error));
    return;
  }
  logger.error({ reason: error instanceof Error ? error.message : String(error) }, 'compat call failed');
  sendFailure(response, 'imbridge: internal error');
}

/**
 * A pass-through that got no answer: the vendor's envelope with a gateway status (what a proxy in
 * front of WuKongIM answers), so a client's retry logic sees a retryable status, not a 400.
 */
export function passThroughFailure(failure: PassThroughFailure): FailureAnswer {
  const [status, msg] = failure === 'timeout' ? [504, 'imbridge: the WuKongIM upstream did not answer in time'] : [502, 'imbridge: the WuKongIM upstream is unreachable'];
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify({ msg, status }) };
}
