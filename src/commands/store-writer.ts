/** storeWriter: the executor's ObjectWriter port over the object store (put = create or update; remove ignores gone). */
import type { ObjectWriter } from '../domain/execution';
import { objectKeyOf } from '../domain/objects';
import type { ObjectStore } from '../store/object-store';

/** storeWriter writes the store-only kinds' objects the plan's putObject/removeObject steps name. */
export function storeWriter(store: ObjectStore): ObjectWriter {
  return {
    put(object) {
      const key = objectKeyOf(object);
      if (store.get(key) === undefined) store.create(object);
      else store.update(object);
    },
    putStatus(object) {
      const stored = store.get(objectKeyOf(object));
      if (stored !== undefined) store.updateStatus({ ...stored, status: object.status });
    },
    remove(key) {
      if (store.get(key) !== undefined) store.delete(key);
    },
  };
}
