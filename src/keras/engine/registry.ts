// Layer class registry for Keras-format configs: `serializeLayer(layer)` writes
// {module: 'keras.layers', class_name, config, registered_name: null} (Keras 3 `serialize_keras_object`),
// `deserializeLayer(cfg)` finds the class by `class_name` and calls its fromConfig. Each layer module
// registers itself on import (wrappers such as TimeDistributed/Bidirectional and model loading use this).

import { fail } from '../../tensor/shape.js';
import type { Layer } from './layer.js';
import { isKerasObjectConfig, type KerasObjectConfig } from './serialization.js';

export type LayerFactory = (cfg: Record<string, unknown>) => Layer;
const layerClasses = new Map<string, LayerFactory>();

export function registerLayerClass(className: string, fromConfig: LayerFactory): void {
  layerClasses.set(className, fromConfig);
}

export function registeredLayerClasses(): string[] {
  return [...layerClasses.keys()];
}

export function serializeLayer(layer: Layer): KerasObjectConfig {
  return { module: 'keras.layers', class_name: layer.className, config: layer.getConfig(), registered_name: null };
}

export function deserializeLayer(cfg: unknown): Layer {
  if (!isKerasObjectConfig(cfg)) fail('deserializeLayer', `expected {class_name, config}, got ${JSON.stringify(cfg)}`);
  const f = layerClasses.get(cfg.class_name);
  if (!f) fail('deserializeLayer', `unknown layer class '${cfg.class_name}'; registered: ${registeredLayerClasses().join(', ')}`);
  return f(cfg.config ?? {});
}
