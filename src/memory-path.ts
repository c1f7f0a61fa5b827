// The path that opens an in-memory database (nothing is kept after close). A module of its
// own so the console's UI thread can name it without loading the engine.
export const MEMORY_PATH = ':memory:';
