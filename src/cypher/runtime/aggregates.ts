// Aggregate functions as accumulators: create() one per group, add() each row's argument
// value(s), result() once at the end.
//
// Semantics (CIP2016-06-14 "Aggregation" and the TCK expressions/aggregation features):
//  - Every aggregate except count(*) ignores null values. DISTINCT drops values equivalent to
//    one already seen (compare.ts equivalence: 1 and 1.0 count as one value), keeping the first.
//  - count → INTEGER (0 for no values). count(*) counts rows, nulls included.
//  - sum → INTEGER while every value is an INTEGER (exact; a total outside 64 bits raises
//    IntegerOverflow), FLOAT once a FLOAT is seen; 0 for no values.
//  - avg → FLOAT, null for no values.
//  - min / max → the smallest / largest value under orderability (so mixed types follow the
//    global sort order: max([1, 'a', [1, 2]]) = 1, min = [1, 2]); null for no values.
//  - collect → the list of values in arrival order; [] for no values.
//  - percentileDisc(value, p) → the value at the discrete percentile (keeps its type);
//    percentileCont(value, p) → FLOAT, linear interpolation; null for no values. p must be
//    a number in [0, 1] on every row, else RUNTIME_ARGUMENT NumberOutOfRange (Aggregation6).
//    The p of the first row is used.
//  - stDev (sample, n − 1) and stDevP (population) → FLOAT; 0.0 for too few values.
//  - sum, avg, percentiles and standard deviations take numbers only: anything else raises
//    RUNTIME_TYPE InvalidArgumentValue.

import { OmbraError } from '../../errors.js';
import { groupKey, orderCompare, type GroupKey } from './compare.js';
import { functionArgumentError, integerOverflow, numberOutOfRange } from './runtime-errors.js';
import { isInt64, type Value } from './values.js';

export interface Accumulator {
  /** Add one row: the aggregated value, plus the percentile for percentileDisc/Cont. */
  add(value: Value, argument?: Value): void;
  /** The aggregate over everything added so far. */
  result(): Value;
  /**
   * add() of an INTEGER given as a number strictly within ±2^31 (so exact), where it has a
   * path without a BigInt (scan aggregation, executor/operators/scan-aggregate.ts).
   */
  addSmallInteger?(value: number): void;
}

export interface AggregateFunction {
  /** Canonical spelling; lookup is case-insensitive. */
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  create(): Accumulator;
}

function numeric(name: string, value: Value): bigint | number {
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  throw functionArgumentError(name, 0, value, 'a number');
}

// Counts are numbers while counting (a BigInt increment allocates) and INTEGERs in the result.
class CountAccumulator implements Accumulator {
  private count = 0;
  add(value: Value): void {
    if (value !== null) this.count++;
  }
  addSmallInteger(): void {
    this.count++;
  }
  result(): Value {
    return BigInt(this.count);
  }
}

/** count(*): counts rows, null or not. */
class CountRowsAccumulator implements Accumulator {
  private count = 0;
  add(): void {
    this.count++;
  }
  result(): Value {
    return BigInt(this.count);
  }
}

/** INTEGERs within ±2^31 are summed as numbers first (no BigInt per row), exact below ±2^53. */
const SMALL_LIMIT = 2147483648;
const SMALL_SUM_LIMIT = 2 ** 52;

class SumAccumulator implements Accumulator {
  private bigSum = 0n;
  /** Part of the integer sum kept as a number; exact while within ±2^53 (flushed beyond 2^52). */
  private smallSum = 0;
  protected floatSum = 0;
  protected sawFloat = false;
  protected count = 0;
  constructor(protected readonly name: string) {}
  add(value: Value): void {
    if (value === null) return;
    const number = numeric(this.name, value);
    this.count++;
    if (typeof number === 'bigint') {
      // An INTEGER whose nearest double lies within ±2^31 is that double exactly.
      const small = Number(number);
      if (small < SMALL_LIMIT && small > -SMALL_LIMIT) this.addToSmallSum(small);
      else this.bigSum += number;
    } else {
      this.floatSum += number;
      this.sawFloat = true;
    }
  }
  addSmallInteger(small: number): void {
    this.count++;
    this.addToSmallSum(small);
  }
  /** Add an integer within ±2^31 to the number part, flushing it to the bigint part past ±2^52. */
  private addToSmallSum(small: number): void {
    const sum = this.smallSum + small;
    if (sum < SMALL_SUM_LIMIT && sum > -SMALL_SUM_LIMIT) this.smallSum = sum;
    else {
      this.bigSum += BigInt(sum);
      this.smallSum = 0;
    }
  }
  protected get integerSum(): bigint {
    return this.smallSum === 0 ? this.bigSum : this.bigSum + BigInt(this.smallSum);
  }
  result(): Value {
    if (this.sawFloat) return Number(this.integerSum) + this.floatSum;
    const total = this.integerSum;
    if (!isInt64(total)) throw integerOverflow('sum', [total]);
    return total;
  }
}

class AvgAccumulator extends SumAccumulator {
  override result(): Value {
    if (this.count === 0) return null;
    return (Number(this.integerSum) + this.floatSum) / this.count;
  }
}

class ExtremeAccumulator implements Accumulator {
  private best: Value = null;
  private seen = false;
  constructor(private readonly direction: 1 | -1) {}
  add(value: Value): void {
    if (value === null) return;
    if (!this.seen || orderCompare(value, this.best) * this.direction > 0) {
      this.best = value;
      this.seen = true;
    }
  }
  result(): Value {
    return this.best;
  }
}

class CollectAccumulator implements Accumulator {
  private readonly items: Value[] = [];
  add(value: Value): void {
    if (value !== null) this.items.push(value);
  }
  result(): Value {
    return this.items.slice();
  }
}

/** Welford's running mean and sum of squared deviations (numerically stable). */
class DeviationAccumulator implements Accumulator {
  private count = 0;
  private mean = 0;
  private squares = 0;
  constructor(
    private readonly name: string,
    private readonly sample: boolean,
  ) {}
  add(value: Value): void {
    if (value === null) return;
    const x = Number(numeric(this.name, value));
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.squares += delta * (x - this.mean);
  }
  result(): Value {
    const n = this.sample ? this.count - 1 : this.count;
    return n > 0 ? Math.sqrt(this.squares / n) : 0;
  }
}

class PercentileAccumulator implements Accumulator {
  private readonly values: (bigint | number)[] = [];
  private percentile: number | undefined;
  constructor(
    private readonly name: string,
    private readonly continuous: boolean,
  ) {}
  add(value: Value, argument: Value = null): void {
    if (typeof argument !== 'bigint' && typeof argument !== 'number') {
      throw functionArgumentError(this.name, 1, argument, 'a number between 0.0 and 1.0');
    }
    const p = Number(argument);
    if (!(p >= 0 && p <= 1)) throw numberOutOfRange(this.name, `the percentile must be between 0.0 and 1.0, got ${argument}`, argument);
    this.percentile ??= p;
    if (value === null) return;
    this.values.push(numeric(this.name, value));
  }
  result(): Value {
    const n = this.values.length;
    if (n === 0 || this.percentile === undefined) return null;
    const sorted = this.values.slice().sort(orderCompare);
    const p = this.percentile;
    if (!this.continuous) {
      const position = p * n;
      const index = Math.trunc(position);
      return sorted[position !== index || index === 0 ? index : index - 1]!;
    }
    const position = p * (n - 1);
    const lower = Math.floor(position);
    const upper = Math.ceil(position);
    if (lower === upper || lower === n - 1) return Number(sorted[lower]!);
    return Number(sorted[lower]!) * (upper - position) + Number(sorted[upper]!) * (position - lower);
  }
}

/** DISTINCT: forwards only the first of each set of equivalent values (nulls never). */
class DistinctAccumulator implements Accumulator {
  private readonly seen = new Set<GroupKey>();
  constructor(private readonly inner: Accumulator) {}
  add(value: Value, argument?: Value): void {
    if (value === null) {
      this.inner.add(value, argument);
      return;
    }
    const key = groupKey(value);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.inner.add(value, argument);
  }
  result(): Value {
    return this.inner.result();
  }
}

function aggregate(name: string, create: () => Accumulator, maxArgs = 1): AggregateFunction {
  return { name, minArgs: maxArgs, maxArgs, create };
}

const AGGREGATES: readonly AggregateFunction[] = [
  aggregate('count', () => new CountAccumulator()),
  aggregate('sum', () => new SumAccumulator('sum')),
  aggregate('avg', () => new AvgAccumulator('avg')),
  aggregate('min', () => new ExtremeAccumulator(-1)),
  aggregate('max', () => new ExtremeAccumulator(1)),
  aggregate('collect', () => new CollectAccumulator()),
  aggregate('stDev', () => new DeviationAccumulator('stDev', true)),
  aggregate('stDevP', () => new DeviationAccumulator('stDevP', false)),
  aggregate('percentileDisc', () => new PercentileAccumulator('percentileDisc', false), 2),
  aggregate('percentileCont', () => new PercentileAccumulator('percentileCont', true), 2),
];

const REGISTRY = new Map(AGGREGATES.map((definition) => [definition.name.toLowerCase(), definition]));

/** The aggregate with this name (any case), or undefined. */
export function lookupAggregate(name: string): AggregateFunction | undefined {
  return REGISTRY.get(name.toLowerCase());
}

/** True when the name (any case) is an aggregate function. */
export function isAggregateName(name: string): boolean {
  return REGISTRY.has(name.toLowerCase());
}

/** Canonical names of every aggregate, sorted. */
export function aggregateNames(): string[] {
  return AGGREGATES.map((definition) => definition.name).sort();
}

/**
 * A fresh accumulator for `name` (any case), DISTINCT or not. Throws OmbraError INTERNAL for
 * an unknown name: the binder resolves names before execution, so that is a bug.
 */
export function createAccumulator(name: string, options: { distinct?: boolean } = {}): Accumulator {
  const definition = lookupAggregate(name);
  if (definition === undefined) throw new OmbraError('INTERNAL', `not an aggregate function: ${name}`, { function: name });
  const accumulator = definition.create();
  return options.distinct === true ? new DistinctAccumulator(accumulator) : accumulator;
}

/** The accumulator for count(*). */
export function createCountRows(): Accumulator {
  return new CountRowsAccumulator();
}
