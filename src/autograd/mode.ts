// Global recording switch. Inside `noGrad` no op records a graph node (inference, optimizer updates,
// and every backward closure run under it, so gradients of gradients are never built).

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with recording off and restores the previous mode afterwards (also on throw). */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` with recording on (inside a noGrad scope, e.g. for a gradient check). */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
