// Query parameters (src/cypher/parameters.ts): the fast conversion (no location strings) must
// give exactly what the checked walk gives, and a refused value must be refused with the
// same code and message, naming the same place.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OmbraError } from '../../../src/errors.js';
import { toQueryParameters, toQueryValue } from '../../../src/cypher/parameters.js';
import { NodeRef, isValueMap, type Value, type ValueMap } from '../../../src/cypher/runtime/values.js';
import { FloatValue, INT64_MAX, INT64_MIN, float } from '../../../src/graph/value.js';
import { testSeed } from '../../support/rng.js';

/** The conversion as specified (the module header), written plainly: the model. */
function model(input: unknown, where: string): Value {
  if (input === null || input === undefined) return null;
  switch (typeof input) {
    case 'boolean':
    case 'string':
      return input;
    case 'number':
      return Number.isInteger(input) && Number.isSafeInteger(input) ? BigInt(input) : input;
    case 'bigint':
      if (input < INT64_MIN || input > INT64_MAX) throw new OmbraError('INVALID_ARGUMENT', `${where}: integer ${input} is outside the 64-bit range`, { where });
      return input;
    default:
      break;
  }
  if (input instanceof FloatValue) return input.value;
  if (input instanceof NodeRef) return input;
  if (Array.isArray(input)) return input.map((item, i) => model(item, `${where}[${i}]`));
  if (isValueMap(input)) {
    const out: ValueMap = {};
    for (const key of Object.keys(input)) out[key] = model((input as Record<string, unknown>)[key], `${where}.${key}`);
    return out;
  }
  throw new OmbraError('INVALID_ARGUMENT', `${where}: a ${(input as object).constructor?.name ?? typeof input} cannot be a query parameter`, { where });
}

function outcome(fn: () => Value): { value?: Value; code?: string; message?: string } {
  try {
    return { value: fn() };
  } catch (error) {
    if (error instanceof OmbraError) return { code: error.code, message: error.message };
    throw error;
  }
}

const leaf = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), // some outside the 64-bit range
  fc.double().map((d) => float(d)),
  fc.nat(100).map((id) => new NodeRef(id)),
  fc.constant(new Date(0)), // refused
);

const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.sparseArray(tie('v'), { maxLength: 4 }), // holes stay holes
    fc.dictionary(fc.constantFrom('a', 'b', '1', '__proto__', 'x y'), tie('v'), { maxKeys: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b'), tie('v'), { maxKeys: 2 }).map((d) => Object.assign(Object.create(null), d) as unknown),
  ),
})).v;

describe('toQueryValue', () => {
  it('matches the specified conversion: same values, same refusals naming the same place (property)', () => {
    fc.assert(
      fc.property(value, (input) => {
        const got = outcome(() => toQueryValue(input, 'parameter $p'));
        const want = outcome(() => model(input, 'parameter $p'));
        expect(got).toEqual(want);
        if (got.value !== undefined && Array.isArray(got.value) && Array.isArray(want.value)) {
          // holes are kept as holes, as Array.map keeps them
          expect(Object.keys(got.value)).toEqual(Object.keys(want.value));
        }
      }),
      { seed: testSeed(), numRuns: 600 },
    );
  });

  it('names the list index and map key of a refused value deep in a large parameter', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `p${i}` }));
    (rows[4321] as Record<string, unknown>).name = 2n ** 70n;
    const error = outcome(() => toQueryParameters({ rows }).rows!);
    expect(error).toEqual({ code: 'INVALID_ARGUMENT', message: `parameter $rows[4321].name: integer ${2n ** 70n} is outside the 64-bit range` });
    const converted = toQueryParameters({ rows: rows.slice(0, 3), n: 1.5, f: float(2) });
    expect(converted).toEqual({ rows: [0, 1, 2].map((i) => ({ id: BigInt(i), name: `p${i}` })), n: 1.5, f: 2 });
  });
});
