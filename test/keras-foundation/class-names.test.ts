// Every library class that serializes (layers, optimizers, losses) declares its own static kerasName
// (src/util/class-name.ts), so that a bundler or minifier renaming classes changes no class_name, default layer
// name or Keras HDF5 group name. test/browser/browser.test.ts loads a .keras archive through a minified bundle.
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { kerasClassName } from '../../src/util/class-name.js';

type AnyClass = abstract new (...a: never[]) => object;
function classesOf(ns: object, base: AnyClass): AnyClass[] {
  return Object.values(ns).filter((v): v is AnyClass => typeof v === 'function' && v.prototype instanceof base);
}

describe('keras: class names survive renaming (static kerasName)', () => {
  const groups: [string, object, AnyClass][] = [
    ['layers', lt.keras.layers, lt.keras.layers.Layer as unknown as AnyClass],
    ['optimizers', lt.keras.optimizers, lt.keras.optimizers.Optimizer as unknown as AnyClass],
    ['losses', lt.keras.losses, lt.keras.losses.Loss as unknown as AnyClass],
  ];
  for (const [what, ns, base] of groups) {
    it(`every ${what} class has its own kerasName, equal to its class name`, () => {
      const classes = classesOf(ns, base);
      expect(classes.length).to.be.greaterThan(5);
      const missing = classes.filter((c) => !Object.prototype.hasOwnProperty.call(c, 'kerasName')).map((c) => c.name);
      expect(missing, `${what} without a static kerasName`).to.deep.equal([]);
      for (const c of classes) expect((c as unknown as { kerasName: string }).kerasName, c.name).to.equal(c.name);
    });
  }

  it('a renamed class keeps its Keras name; a user subclass without kerasName gets its JS name', () => {
    const Renamed = class extends lt.keras.layers.Dense {};
    Object.defineProperty(Renamed, 'name', { value: 'x' });  // what a minifier does to a library class...
    Object.defineProperty(Renamed, 'kerasName', { value: 'Dense' });  // ...which keeps its own kerasName
    expect(kerasClassName(new Renamed({ units: 1 }))).to.equal('Dense');
    class MyDense extends lt.keras.layers.Dense {}
    const d = new MyDense({ units: 2 });
    expect(d.className).to.equal('MyDense');
    expect(d.name).to.match(/^my_dense/);
  });
});
