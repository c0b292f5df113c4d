// docs/layers.md lists every class of keras.layers (Keras 3.15) with its status here. This keeps it honest:
//   1. every class marked "implemented" deserializes through the registry (InputLayer: as a model input);
//   2. every registered class is listed as "implemented" (the model classes and Lambda aside: Lambda is listed
//      as refused, and loading one fails with the reason);
//   3. a class marked otherwise is refused by deserializeLayer with its name in the message.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';
import { registeredLayerClasses } from '../../src/keras/engine/registry.js';

const doc = readFileSync(new URL('../../docs/layers.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `([A-Za-z0-9]+)` \| ([a-z ]+) \|/gm)].map((m) => ({ name: m[1], status: m[2].trim() }));

describe('docs/layers.md: the status of every Keras layer class', () => {
  it('lists the 163 classes of keras.layers once each', () => {
    expect(rows.length).to.equal(163);
    expect(new Set(rows.map((r) => r.name)).size).to.equal(163);
  });

  it('"implemented" ⇔ registered', () => {
    const registered = new Set(registeredLayerClasses());
    const implemented = rows.filter((r) => r.status === 'implemented').map((r) => r.name);
    for (const n of implemented) if (n !== 'InputLayer') expect(registered.has(n), `${n} is marked implemented but not registered`).to.equal(true);
    const listed = new Map(rows.map((r) => [r.name, r.status]));
    for (const n of registered) {
      if (['Functional', 'Model', 'Sequential'].includes(n)) continue;
      expect(listed.get(n), `${n} is registered`).to.equal(n === 'Lambda' ? 'refused' : 'implemented');
    }
  });

  it('a class not implemented is refused by name', () => {
    for (const r of rows.filter((x) => x.status !== 'implemented' && x.name !== 'Layer' && x.name !== 'Wrapper')) {
      expect(() => lt.keras.deserializeLayer({ class_name: r.name, config: { name: 'x' } }), r.name).to.throw(new RegExp(r.name));
    }
  });
});
