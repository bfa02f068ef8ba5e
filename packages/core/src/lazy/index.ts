// A Lambda instance pays at start-up for everything built at module load (DESIGN §8 measures it),
// and ElectroDB validates each entity's model twice with JSON Schema (~3 ms an entity here). So
// services and entities are built on first use: each function builds only what its requests touch.

type Factories = Record<string, () => unknown>;
export type Built<T extends Factories> = { readonly [K in keyof T]: ReturnType<T[K]> };

/** An object whose properties are made by their factory on first read, then kept. */
export function buildOnFirstUse<T extends Factories>(factories: T): Built<T> {
  const built = {} as Built<T>;
  for (const [name, make] of Object.entries(factories)) {
    let value: unknown;
    let made = false;
    Object.defineProperty(built, name, {
      enumerable: true,
      get: () => {
        if (!made) ((value = make()), (made = true));
        return value;
      },
    });
  }
  return built;
}
