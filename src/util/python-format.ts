// The bits of Python's number formatting that Keras callbacks expose to users: str.format fields such as
// ModelCheckpoint's 'ckpt-{epoch:02d}-{val_loss:.2f}.keras' (format-spec mini-language: fill, align, sign, 0,
// width, ',', precision, types d f F e E g G %), and repr(float) as the csv module writes numbers (CSVLogger).
import { fail } from '../tensor/shape.js';

/** Python repr(float): shortest round-trip digits, exponent form below 1e-4 or from 1e16, always a '.0' or exponent. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = Math.abs(x);
  if (ax < 1e-4 || ax >= 1e16) return expForm(x, undefined, false);
  // 1e-4 ≤ |x| < 1e16: JS's shortest digits use no exponent here (it switches below 1e-6 and from 1e21).
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

/** Python's exponent form: at least two exponent digits with a sign ('1.5e-05'); p digits after the point, or the shortest. */
function expForm(x: number, p: number | undefined, upper: boolean): string {
  const [m, e] = x.toExponential(p).split('e');
  const n = Number(e);
  const s = `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  return upper ? s.toUpperCase() : s;
}

/** Python's general format 'g' with precision p (trailing zeros removed unless '#'). */
function gForm(x: number, p: number, upper: boolean): string {
  if (p === 0) p = 1;
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toExponential(p - 1)))));
  let s: string;
  if (exp >= -4 && exp < p) s = x.toFixed(Math.max(0, p - 1 - exp));
  else s = expForm(x, p - 1, upper);
  // Strip trailing zeros of the fraction (in the mantissa for the exponent form).
  s = s.replace(/(\.\d*?)0+(e|E|$)/, '$1$2').replace(/\.(e|E|$)/, '$1');
  return s;
}

/** Ints stay ints ({epoch} → '3'); logged values are Python floats ({loss} → '0.5', and 1.0 → '1.0'). */
const INT_FIELDS = new Set(['epoch', 'batch']);

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?(,)?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** format(value, spec) for numbers (and str for strings), as Python's format() does. */
export function pyFormatValue(where: string, v: unknown, spec: string, name: string): string {
  const m = SPEC.exec(spec);
  if (m === null) fail(where, `invalid format spec '${spec}' for field '${name}'`);
  const [, fillCh, alignCh, sign, , zero, widthS, comma, precS, type] = m;
  let body: string;
  let neg = false;
  if (typeof v === 'string') {
    if (type && type !== 's') fail(where, `field '${name}' is a string; format code '${type}' needs a number`);
    body = precS !== undefined ? v.slice(0, Number(precS)) : v;
  } else if (typeof v === 'number') {
    neg = v < 0 || Object.is(v, -0);
    const a = Math.abs(v);
    const p = precS === undefined ? 6 : Number(precS);
    switch (type) {
      case 'd':
        // Logged values are Python floats, and format(0.5, 'd') raises in Python: only epoch / batch are ints.
        if (!INT_FIELDS.has(name) || !Number.isInteger(v)) fail(where, `field '${name}' is a float (${v}): format code 'd' needs an integer, as in Python`);
        body = String(a);
        break;
      case 'f': case 'F': body = Number.isFinite(a) ? a.toFixed(p) : (a !== a ? 'nan' : 'inf'); break;
      case 'e': case 'E': body = expForm(a, p, type === 'E'); break;
      case 'g': case 'G': body = gForm(a, precS === undefined ? 6 : p, type === 'G'); break;
      case '%': body = `${(a * 100).toFixed(p)}%`; break;
      case undefined:
        body = INT_FIELDS.has(name) && Number.isInteger(v) ? String(a) : precS !== undefined ? gForm(a, p, false) : pyFloatRepr(a);
        break;
      default: fail(where, `format code '${type}' is not supported for field '${name}'`);
    }
    if (comma) {
      const [i, f] = body.split('.');
      body = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (f !== undefined ? `.${f}` : '');
    }
  } else {
    return fail(where, `field '${name}' has no printable value (${String(v)})`);
  }
  const signStr = typeof v === 'number' ? (neg ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '') : '';
  const width = widthS === undefined ? 0 : Number(widthS);
  const fill = fillCh ?? (zero && !alignCh ? '0' : ' ');
  const align = alignCh ?? (zero ? '=' : typeof v === 'number' ? '>' : '<');
  const len = signStr.length + body.length;
  if (len >= width) return signStr + body;
  const pad = fill.repeat(width - len);
  if (align === '<') return signStr + body + pad;
  if (align === '^') {
    const l = Math.floor((width - len) / 2);
    return fill.repeat(l) + signStr + body + fill.repeat(width - len - l);
  }
  if (align === '=') return signStr + pad + body;
  return pad + signStr + body;
}


/** Python str.format with named fields only: '{epoch:02d}-{val_loss:.2f}', '{{' and '}}' escapes. */
export function pyFormat(where: string, template: string, values: Record<string, unknown>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') { out += '{'; i += 2; continue; }
    if (c === '}' && template[i + 1] === '}') { out += '}'; i += 2; continue; }
    if (c === '}') fail(where, `single '}' in format string '${template}'`);
    if (c !== '{') { out += c; i++; continue; }
    const end = template.indexOf('}', i);
    if (end < 0) fail(where, `unclosed '{' in format string '${template}'`);
    const field = template.slice(i + 1, end);
    const colon = field.indexOf(':');
    const name = colon < 0 ? field : field.slice(0, colon);
    const spec = colon < 0 ? '' : field.slice(colon + 1);
    if (!(name in values)) fail(where, `cannot format '${template}': no value named '${name}' (available: ${Object.keys(values).join(', ')})`);
    out += pyFormatValue(where, values[name], spec, name);
    i = end + 1;
  }
  return out;
}
