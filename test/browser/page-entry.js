// The page of test/browser/browser.test.ts: lstm-ts imported exactly as an application does (bundled by esbuild
// for the browser from the package's exports), the shared computation (compute.ts), then a Keras 3 .keras
// archive loaded from fetched bytes. Results go to window.__result (or the failure to window.__error).
import * as lt from 'lstm-ts';
import { compute } from './compute.ts';

async function main() {
  const result = { processDefined: typeof process !== 'undefined', native: lt.native.info().reasons };
  result.compute = compute(lt);
  const fx = await (await fetch('/fixtures/keras_archive.json')).json();
  const c = fx.masking_lstm;
  const bytes = await (await fetch(`/fixtures/keras_archive/${c.file}`)).arrayBuffer();
  const model = await lt.keras.loadKerasModel(bytes);
  result.keras = { predict: Array.from(model.predict(lt.tensor(c.x)).data), expected: c.y.flat(2), layers: model.layers.map((l) => l.name) };
  // The archive's bytes round-trip in the page too: kerasModelBytes → loadKerasModel.
  const again = await lt.keras.loadKerasModel(await lt.keras.kerasModelBytes(model));
  result.keras.roundTrip = Array.from(again.predict(lt.tensor(c.x)).data);
  // Node-only calls fail with a clear error instead of a missing module.
  try {
    lt.keras.loadModel('/some/dir');
    result.pathError = 'no error';
  } catch (e) {
    result.pathError = String(e.message);
  }
  window.__result = result;
  document.getElementById('status').textContent = 'done';
}
main().catch((e) => {
  window.__error = String(e && e.stack ? e.stack : e);
  document.getElementById('status').textContent = 'failed';
});
