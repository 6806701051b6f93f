/** Enforces a backend's ID rule as INVALID_ID, naming the field and the rule. */
import { InvalidIdError, type IdRule } from '../spec/index.js';

const compiled = new WeakMap<IdRule, RegExp>();

export function matchesIdRule(rule: IdRule, id: string): boolean {
  let pattern = compiled.get(rule);
  if (!pattern) {
    pattern = new RegExp(rule.pattern, 'u');
    compiled.set(rule, pattern);
  }
  return id.length <= rule.maxLength && pattern.test(id);
}

export function assertId(rule: IdRule, id: string, field: string): void {
  if (!matchesIdRule(rule, id)) {
    throw new InvalidIdError(`${field} "${id}" breaks this backend's ID rule: ${rule.description}`, { details: { field, rule: rule.pattern } });
  }
}
