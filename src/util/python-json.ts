// JSON for Python readers. JavaScript has one number type, so JSON.stringify writes 0.0 as `0` and 1.0 as `1`;
// Python's json module reads those as ints, and Keras refuses an int for a few arguments it checks with
// isinstance(x, float): the optimizer's learning_rate (keras/src/optimizers/base_optimizer.py, "Argument
// `learning_rate` should be float") and SGD's momentum (keras/src/optimizers/sgd.py, "`momentum` must be a float
// between [0, 1]"). So a Keras config we write gives the values of keys Keras always holds as floats a
// decimal point, as Python's json.dumps would have written them.

/** Keys whose numbers Keras always holds as Python floats (optimizers, schedules, normalization layers). */
const FLOAT_KEYS = new Set([
  'learning_rate', 'initial_learning_rate', 'momentum', 'ema_momentum', 'epsilon', 'beta_1', 'beta_2', 'rho', 'decay_rate',
]);

const MARK = '__lstm_ts_python_float__';

/** A Python float literal: integral values get `.0` (1 → 1.0), others as JavaScript writes them (1e-7, 0.25). */
export function pythonFloat(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
}

/** JSON.stringify, except that the numbers of FLOAT_KEYS are written as Python floats. */
export function pythonJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, (key, v) => (FLOAT_KEYS.has(key) && typeof v === 'number' && Number.isFinite(v) ? `${MARK}${v}` : v), indent);
  return text.replace(new RegExp(`"${MARK}([^"]*)"`, 'g'), (_, n: string) => pythonFloat(Number(n)));
}
