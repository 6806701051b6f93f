/**
 * The testing kit: what vendor fakes and backdoors use and adapters never do. Kept out of the
 * spec and the runtime so that a backend cannot reach a fake's controls by accident.
 */
export * from './backdoor.js';
export * from './fake-control.js';
export * from './listen.js';
export * from './replay-exchanges.js';
export * from './replay-recordings.js';
export * from './callback-emitter.js';
