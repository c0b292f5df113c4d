// The class name an object is serialized under (Keras's class_name) and named after (default layer names).
//
// Why not `constructor.name` alone: bundlers rename classes (esbuild turns a second `Bidirectional` in the graph
// into `_Bidirectional`, and any minifier shortens every name), which silently changed `class_name` in configs
// and the HDF5 group names Keras files are read by. So every library class declares its own static `kerasName`;
// a user's subclass without one gets its JS class name, as before.

/** The static `kerasName` of `o`'s own class (not inherited: a subclass is another class), else its JS name. */
export function kerasClassName(o: object): string {
  const c = o.constructor as { kerasName?: unknown; name: string };
  return Object.prototype.hasOwnProperty.call(c, 'kerasName') && typeof c.kerasName === 'string' ? c.kerasName : c.name;
}
