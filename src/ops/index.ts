// All primitive ops, one family per file, each op's forward and backward side by side.
export * from './arithmetic.js';
export * from './matmul.js';
export * from './unary.js';
export * from './softmax.js';
export { sum, mean } from './reduce.js'; // (normAxes, expandTo stay internal helpers)
export * from './layout.js';
export * from './sequence.js';
export * from './select.js';
export * from './gather.js';
export * from './dropout.js';
export * from './conv.js';
