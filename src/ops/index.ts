// All primitive ops, one family per file, each op's forward and backward side by side.
export * from './arithmetic.js';
export * from './matmul.js';
