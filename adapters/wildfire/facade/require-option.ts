/**
 * Capability options checked before a backend call, as the HTTP layer does for /v1: the spec
 * lets a backend answer UNSUPPORTED_OPTION itself, but not every adapter checks each option it
 * does not support (the OpenIM adapter's friends.put ignores `one-way` and adds both ways), and a
 * facade must never report a state the backend did not reach.
 */
import { requireCapability, type Backend, type CapabilityName } from '../../../src/spec/index.js';

export function requireOption(backend: Backend, name: CapabilityName, option?: string): void {
  requireCapability(backend.capabilities, backend.vendor, name, option);
}
