// lt.keras: Keras (TF 2.x / Keras 3) semantics. Each sub-namespace lives in its own folder.
// Shared registry file: add one export line per module, never rewrite.
export {};
export * as losses from '../train/losses/index.js';
export * as optimizers from '../train/optimizers/index.js';
