// Bulk import of CSV files (neo4j-admin import's format: csv-header.ts, csv-value.ts) into a
// PageStore through the bulk builder (bulk-build.ts). No query layer, no per-row statement:
// each row becomes an encoded record appended in id order; labels, indexes, adjacency and
// degrees are built once at the end, every tree in key order.
//
// IMPORT PROTOCOL
//   1. Node inputs in the order given, each a list of files read as one (the first holds the
//      header). Every row is checked (field count, each value against its column type, ids) and
//      becomes a node: ids from NEXT_NODE_ID upward in file order, or, with id type `actual`,
//      the :ID value itself.
//   2. Relationship inputs: :START_ID / :END_ID resolve through the ids read in step 1 (id
//      types `string` and `integer`, per ID space), or name node ids directly (`actual`, where
//      a node of the database may be named too). Ids from NEXT_RELATIONSHIP_ID upward, or the
//      :ID column with `actual`.
//   3. finish(): label index and counts, property indexes of the database's index definitions
//      (unique ones checked: CONSTRAINT_UNIQUE naming the file and line of both nodes),
//      adjacency both ways, degrees, counters.
// Any malformed input throws IMPORT_CSV naming file, line and column before the caller
// commits anything: the caller makes the whole import one unit (ops/import.ts: one write
// transaction, or a new database file renamed into place only when complete).
//
// ID TYPES
//   string   (default) ids are strings, unique per ID space; a named ID column stores a STRING
//   integer  ids are 64-bit integers, unique per ID space; a named ID column stores an INTEGER
//   actual   ids are node ids (non-negative integers), kept as the nodes' ids; relationship
//            files may carry relationship ids in an :ID column. Export writes this form, so an
//            export imported with `actual` reproduces every id.
//
// Memory: the id maps (one entry per node with an id) and the builder's columns; rows stream.
// With `actual`, records are held until all files are read (they must be sorted by id).

import { GraphError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import { COUNTER, ROOT_SLOT } from '../storage/meta.js';
import type { FileSystem, PageStore } from '../storage/types.js';
import { GraphBulkBuilder, type BulkTreeReport } from './bulk-build.js';
import { CATALOG_KIND } from './catalog.js';
import { columnOf, parseHeader, type CsvColumn } from './csv-header.js';
import { CsvReader, csvError, dialectByte, type CsvDialect } from './csv-reader.js';
import { parseLiteral, parseScalar } from './csv-value.js';
import { ByteBuffer, IdKeys, MAX_ORDERED_VARINT, putVarint } from './encoding.js';
import { RECORD_TYPE, VALUE_TAG, writeValue } from './record.js';
import type { PropertyValue } from './value.js';

export type IdType = 'string' | 'integer' | 'actual';

export interface CsvInput {
  /** Files read as one input: the first holds the header, the others only rows. */
  files: string[];
  /** Labels every node of this input gets, besides its :LABEL column (node inputs). */
  labels?: string[];
  /** Type of rows whose :TYPE is empty or missing (relationship inputs). */
  type?: string;
}

export interface CsvImportOptions {
  nodes?: CsvInput[];
  relationships?: CsvInput[];
  /** Field delimiter (default ','; 'tab' or '\t' for tabs). */
  delimiter?: string;
  /** Separator of array items and labels (default ';'). */
  arrayDelimiter?: string;
  /** Quote character (default '"'). */
  quote?: string;
  idType?: IdType;
}

export interface CsvFileReport {
  file: string;
  kind: 'nodes' | 'relationships';
  rows: number;
  bytes: number;
}

export interface CsvImportReport {
  nodes: number;
  relationships: number;
  files: CsvFileReport[];
  /** Time reading node files, relationship files, and building the derived structures. */
  phases: { nodesMs: number; relationshipsMs: number; buildMs: number };
  trees: BulkTreeReport[];
}

export interface ImportHooks {
  /** Awaited every few thousand rows (job checkpoint; page write-out). */
  tick?: () => Promise<void> | void;
  /** Progress in bytes of input read. */
  progress?: (update: { phase?: string; done?: number; total?: number; bytes?: number }) => void;
}

const TICK_ROWS = 4096;
/** A short relationship row ("12345,678\n") is about this long: sizes the builder's columns. */
const BYTES_PER_RELATIONSHIP_GUESS = 10;
/** Integer ids below this are kept in a dense array instead of a Map. */
const DENSE_ID_LIMIT = 1 << 22;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Node ids of one ID space, keyed by the id text (string ids) or number (integer ids). */
class IdSpace {
  private readonly strings = new Map<string, number>();
  private dense = new Float64Array(1024);
  private readonly numbers = new Map<number | string, number>();

  getString(key: string): number | undefined {
    return this.strings.get(key);
  }

  setString(key: string, nodeId: number): boolean {
    if (this.strings.has(key)) return false;
    this.strings.set(key, nodeId);
    return true;
  }

  /** Integer id (a safe number, or the decimal text of a wider one). */
  getInteger(key: number | string): number | undefined {
    if (typeof key === 'number' && key >= 0 && key < DENSE_ID_LIMIT) {
      const v = key < this.dense.length ? this.dense[key]! : 0;
      return v === 0 ? undefined : v - 1;
    }
    return this.numbers.get(key);
  }

  setInteger(key: number | string, nodeId: number): boolean {
    if (typeof key === 'number' && key >= 0 && key < DENSE_ID_LIMIT) {
      if (key >= this.dense.length) {
        let size = this.dense.length * 2;
        while (size <= key) size *= 2;
        const next = new Float64Array(size);
        next.set(this.dense);
        this.dense = next;
      }
      if (this.dense[key] !== 0) return false;
      this.dense[key] = nodeId + 1;
      return true;
    }
    if (this.numbers.has(key)) return false;
    this.numbers.set(key, nodeId);
    return true;
  }
}

/** A node or relationship held back for sorting (id type `actual`). */
interface HeldRecord {
  id: number;
  labelIds: number[];
  typeId: number;
  start: number;
  end: number;
  record: Uint8Array;
  file: number;
  line: number;
}

/**
 * Import the inputs into `store` (a write transaction, or a new database's page store).
 * Throws IMPORT_CSV (file, line, column) or CONSTRAINT_UNIQUE; the caller discards the store's
 * changes then. Cost: one pass over every file, O(n) per derived structure with dense ids.
 */
export async function importCsv(store: PageStore, fs: FileSystem, options: CsvImportOptions, hooks: ImportHooks = {}): Promise<CsvImportReport> {
  return new CsvImport(store, fs, options, hooks).run();
}

class CsvImport {
  private readonly dialect: CsvDialect;
  private readonly arrayDelimiter: string;
  private readonly idType: IdType;
  private readonly builder: GraphBulkBuilder;
  private readonly spaces = new Map<string, IdSpace>();
  private readonly files: CsvFileReport[] = [];
  private readonly bb = new ByteBuffer(256);
  private readonly tick: () => Promise<void> | void;
  private totalBytes = 0;
  private bytesDone = 0;
  // Origins of nodes for messages: file index and line, by node id offset (streamed ids) or held records.
  private readonly firstNodeId: number;
  private nextNodeId: number;
  private nextRelationshipId: number;
  private readonly originFile: number[] = [];
  private readonly originLine: number[] = [];
  private readonly heldNodes: HeldRecord[] = [];
  private readonly heldRelationships: HeldRecord[] = [];
  private readonly actualNodeIds = new Set<number>();
  private readonly labelCache = new Map<string, number[]>();
  private readonly typeCache = new Map<string, number>();
  private readonly existingNodes: BTree;
  private readonly existingRelationships: BTree;
  private readonly idKeys = new IdKeys();

  constructor(
    readonly store: PageStore,
    readonly fs: FileSystem,
    readonly options: CsvImportOptions,
    readonly hooks: ImportHooks,
  ) {
    this.dialect = {
      delimiter: dialectByte(options.delimiter ?? ',', 'delimiter'),
      quote: dialectByte(options.quote ?? '"', 'quote'),
    };
    this.arrayDelimiter = options.arrayDelimiter ?? ';';
    if (this.arrayDelimiter.length === 0) throw new GraphError('INVALID_ARGUMENT', 'the array delimiter must not be empty', {});
    this.idType = options.idType ?? 'string';
    if (!['string', 'integer', 'actual'].includes(this.idType)) {
      throw new GraphError('INVALID_ARGUMENT', `id type must be string, integer or actual (got ${String(this.idType)})`, { idType: this.idType });
    }
    this.builder = new GraphBulkBuilder(store, { duplicates: 'fail', nodeOrigin: (id) => this.originOf(id), expectedRelationships: this.relationshipBytes(fs, options) / BYTES_PER_RELATIONSHIP_GUESS });
    this.firstNodeId = Number(store.getCounter(COUNTER.NEXT_NODE_ID));
    this.nextNodeId = this.firstNodeId;
    this.nextRelationshipId = Number(store.getCounter(COUNTER.NEXT_RELATIONSHIP_ID));
    this.tick = hooks.tick ?? (() => undefined);
    this.existingNodes = new BTree(store, rootInSlot(store, ROOT_SLOT.NODES), { name: 'nodes' });
    this.existingRelationships = new BTree(store, rootInSlot(store, ROOT_SLOT.RELATIONSHIPS), { name: 'relationships' });
  }

  /** Bytes of the relationship files (0 for any that cannot be read: run() reports those). */
  private relationshipBytes(fs: FileSystem, options: CsvImportOptions): number {
    let bytes = 0;
    for (const input of options.relationships ?? []) {
      for (const file of input.files ?? []) {
        try {
          const handle = fs.open(file, { readOnly: true });
          bytes += handle.size();
          handle.close();
        } catch {
          // run() names the file
        }
      }
    }
    return bytes;
  }

  async run(): Promise<CsvImportReport> {
    const nodes = this.options.nodes ?? [];
    const relationships = this.options.relationships ?? [];
    for (const input of [...nodes, ...relationships]) {
      if (!Array.isArray(input.files) || input.files.length === 0) throw new GraphError('INVALID_ARGUMENT', 'an import input needs at least one file', {});
      for (const file of input.files) {
        if (!this.fs.exists(file)) throw new GraphError('IMPORT_CSV', `${file} does not exist`, { file, line: 0, column: 0 });
        const handle = this.fs.open(file, { readOnly: true });
        this.totalBytes += handle.size();
        handle.close();
      }
    }
    const t0 = performance.now();
    this.hooks.progress?.({ phase: 'reading node files', done: 0, total: this.totalBytes });
    for (const input of nodes) await this.readInput(input, 'nodes');
    if (this.idType === 'actual') await this.addHeldNodes();
    const t1 = performance.now();
    this.hooks.progress?.({ phase: 'reading relationship files' });
    for (const input of relationships) await this.readInput(input, 'relationships');
    if (this.idType === 'actual') await this.addHeldRelationships();
    const t2 = performance.now();
    this.hooks.progress?.({ phase: 'building indexes and adjacency', done: this.totalBytes });
    const built = await this.builder.finish(this.tick);
    const t3 = performance.now();
    return {
      nodes: built.nodes,
      relationships: built.relationships,
      files: this.files,
      phases: { nodesMs: t1 - t0, relationshipsMs: t2 - t1, buildMs: t3 - t2 },
      trees: built.trees,
    };
  }

  private originOf(nodeId: number): string | undefined {
    const at = nodeId - this.firstNodeId;
    if (this.idType !== 'actual' && at >= 0 && at < this.originFile.length) return `${this.files[this.originFile[at]!]!.file} line ${this.originLine[at]}`;
    const held = this.heldNodes.find((h) => h.id === nodeId);
    return held === undefined ? undefined : `${this.files[held.file]!.file} line ${held.line}`;
  }

  private space(name: string): IdSpace {
    let space = this.spaces.get(name);
    if (space === undefined) this.spaces.set(name, (space = new IdSpace()));
    return space;
  }

  // ── reading ──────────────────────────────────────────────────────────────

  private async readInput(input: CsvInput, kind: 'nodes' | 'relationships'): Promise<void> {
    let columns: CsvColumn[] | null = null;
    let plan: RowPlan | null = null;
    for (const file of input.files) {
      const reader = new CsvReader(this.fs, file, this.dialect);
      const fileIndex = this.files.push({ file, kind, rows: 0, bytes: 0 }) - 1;
      try {
        if (columns === null) {
          if (!reader.next()) throw csvError(file, 1, 0, 'the file is empty: the first line must be the header');
          columns = parseHeader(reader.texts(), kind, file, reader.line, input.type !== undefined && input.type !== '');
          plan = this.plan(columns, input, kind);
          this.headerNames = columns.map((c) => c.header);
        }
        const report = this.files[fileIndex]!;
        let rows = 0;
        while (reader.next()) {
          if (reader.count !== columns.length) {
            throw csvError(file, reader.line, Math.min(reader.count, columns.length) + 1, `${reader.count} field(s) where the header has ${columns.length}`);
          }
          if (kind === 'nodes') this.nodeRow(reader, plan!, fileIndex);
          else this.relationshipRow(reader, plan!, fileIndex);
          if ((++rows & (TICK_ROWS - 1)) === 0) {
            report.rows = rows;
            this.hooks.progress?.({ done: this.bytesDone + reader.bytesRead, bytes: this.bytesDone + reader.bytesRead });
            await this.tick();
          }
        }
        report.rows = rows;
        report.bytes = reader.bytesRead;
        this.bytesDone += reader.bytesRead;
      } finally {
        reader.close();
      }
    }
  }

  /** What a row of a file needs, worked out once from its header. */
  private plan(columns: CsvColumn[], input: CsvInput, kind: 'nodes' | 'relationships'): RowPlan {
    const properties = columns
      .filter((c) => c.kind === 'property' || (c.kind === 'id' && c.name !== '' && kind === 'nodes'))
      .map((c) => ({ column: c, keyId: this.builder.ensureId(CATALOG_KIND.KEY, c.name) }))
      .sort((a, b) => a.keyId - b.keyId);
    const fixedLabels = [...new Set(input.labels ?? [])].map((l) => this.builder.ensureId(CATALOG_KIND.LABEL, l)).sort((a, b) => a - b);
    const start = columnOf(columns, 'start');
    const end = columnOf(columns, 'end');
    const defaultType = kind === 'relationships' && input.type !== undefined && input.type !== '' ? input.type : null;
    return {
      columns,
      properties,
      id: columnOf(columns, 'id'),
      label: columnOf(columns, 'label'),
      start,
      end,
      type: columnOf(columns, 'type'),
      fixedLabels,
      defaultTypeId: defaultType === null ? -1 : this.builder.ensureId(CATALOG_KIND.TYPE, defaultType),
      // Relationship inputs are read after every node input: the spaces are complete.
      startSpace: start === undefined ? undefined : this.spaces.get(start.idSpace),
      endSpace: end === undefined ? undefined : this.spaces.get(end.idSpace),
    };
  }

  private nodeRow(reader: CsvReader, plan: RowPlan, fileIndex: number): void {
    const labelIds = this.labelsOf(reader, plan);
    let nodeId: number;
    const idColumn = plan.id;
    if (this.idType === 'actual') {
      if (idColumn === undefined || reader.isAbsent(idColumn.index)) throw this.fieldError(reader, idColumn?.index ?? 0, 'with id type actual every node needs an :ID value (its node id)');
      nodeId = this.actualId(reader, idColumn.index, 'node');
      if (this.actualNodeIds.has(nodeId)) throw this.fieldError(reader, idColumn.index, `node id ${nodeId} appears twice (first at ${this.originOf(nodeId) ?? 'an earlier row'})`);
      if (this.existingNodes.has(this.idKeys.key(nodeId))) throw this.fieldError(reader, idColumn.index, `node ${nodeId} already exists in the database`);
      this.actualNodeIds.add(nodeId);
    } else {
      nodeId = this.nextNodeId;
      if (idColumn !== undefined && !reader.isAbsent(idColumn.index)) this.registerId(reader, idColumn, nodeId);
    }
    this.nodeRecord(reader, plan, labelIds);
    if (this.idType === 'actual') {
      this.heldNodes.push({ id: nodeId, labelIds, typeId: 0, start: 0, end: 0, record: this.bb.copy(), file: fileIndex, line: reader.line });
      return;
    }
    this.builder.addNode(nodeId, labelIds, this.bb.buf, this.bb.length);
    this.originFile.push(fileIndex);
    this.originLine.push(reader.line);
    this.nextNodeId++;
  }

  private registerId(reader: CsvReader, column: CsvColumn, nodeId: number): void {
    const space = this.space(column.idSpace);
    let fresh: boolean;
    let shown: string;
    if (this.idType === 'integer') {
      const key = this.integerId(reader, column.index);
      fresh = space.setInteger(key, nodeId);
      shown = String(key);
    } else {
      shown = reader.text(column.index);
      fresh = space.setString(shown, nodeId);
    }
    if (!fresh) {
      const first = this.idType === 'integer' ? space.getInteger(this.integerId(reader, column.index)) : space.getString(shown);
      const where = first === undefined ? '' : ` (first at ${this.originOf(first) ?? 'an earlier row'})`;
      throw this.fieldError(reader, column.index, `duplicate id ${JSON.stringify(shown)} in ${column.idSpace === '' ? 'the global ID space' : `ID space ${column.idSpace}`}${where}`);
    }
  }

  /** Labels of a node row: the input's, plus its :LABEL field; ascending ids. */
  private labelsOf(reader: CsvReader, plan: RowPlan): number[] {
    const column = plan.label;
    if (column === undefined || reader.isAbsent(column.index)) return plan.fixedLabels;
    const text = reader.text(column.index);
    const cacheKey = plan.fixedLabels.length === 0 ? text : `${plan.fixedLabels.join(',')}|${text}`;
    let ids = this.labelCache.get(cacheKey);
    if (ids === undefined) {
      const set = new Set(plan.fixedLabels);
      for (const name of text.split(this.arrayDelimiter)) {
        if (name === '') continue;
        set.add(this.builder.ensureId(CATALOG_KIND.LABEL, name));
      }
      ids = [...set].sort((a, b) => a - b);
      if (this.labelCache.size < 10_000) this.labelCache.set(cacheKey, ids);
    }
    return ids;
  }

  /** Encode a node row's record into this.bb. */
  private nodeRecord(reader: CsvReader, plan: RowPlan, labelIds: readonly number[]): void {
    const bb = this.bb.reset();
    bb.u8(RECORD_TYPE.NODE).varint(labelIds.length);
    for (let i = 0; i < labelIds.length; i++) bb.varint(labelIds[i]!);
    this.properties(reader, plan);
  }

  /** Append the property section of a row (present fields only, ascending key id). */
  private properties(reader: CsvReader, plan: RowPlan): void {
    const bb = this.bb;
    const props = plan.properties;
    if (props.length === 0) {
      bb.u8(0);
      return;
    }
    let present = 0;
    for (let i = 0; i < props.length; i++) if (!reader.isAbsent(props[i]!.column.index)) present++;
    bb.varint(present);
    for (let i = 0; i < props.length; i++) {
      const { column, keyId } = props[i]!;
      if (reader.isAbsent(column.index)) continue;
      bb.varint(keyId);
      if (column.kind === 'id') this.writeIdProperty(reader, column.index);
      else this.writeField(reader, column);
    }
  }

  /** The stored property of a named :ID column: STRING (string ids) or INTEGER (integer, actual). */
  private writeIdProperty(reader: CsvReader, index: number): void {
    if (this.idType === 'string') this.writeString(reader, index);
    else this.writeInteger(reader, index, null);
  }

  private relationshipRow(reader: CsvReader, plan: RowPlan, fileIndex: number): void {
    const start = this.endpoint(reader, plan.start!, plan.startSpace);
    const end = this.endpoint(reader, plan.end!, plan.endSpace);
    let typeId: number;
    const typeColumn = plan.type;
    if (typeColumn !== undefined && !reader.isAbsent(typeColumn.index) && reader.fieldEnd[typeColumn.index]! > reader.fieldStart[typeColumn.index]!) {
      const text = reader.text(typeColumn.index);
      let id = this.typeCache.get(text);
      if (id === undefined) this.typeCache.set(text, (id = this.builder.ensureId(CATALOG_KIND.TYPE, text)));
      typeId = id;
    } else if (plan.defaultTypeId >= 0) {
      typeId = plan.defaultTypeId;
    } else throw this.fieldError(reader, typeColumn?.index ?? 0, 'the relationship has no type (empty :TYPE and no type given for the file)');
    const bb = this.bb.reset();
    bb.ensure(32);
    const b = bb.buf;
    b[0] = RECORD_TYPE.RELATIONSHIP;
    bb.length = putVarint(b, putVarint(b, putVarint(b, 1, typeId), start), end);
    this.properties(reader, plan);
    if (this.idType === 'actual') {
      const record = bb.copy();
      let id = -1;
      if (plan.id !== undefined && !reader.isAbsent(plan.id.index)) {
        id = this.actualId(reader, plan.id.index, 'relationship');
        if (this.existingRelationships.has(this.idKeys.key(id))) throw this.fieldError(reader, plan.id.index, `relationship ${id} already exists in the database`);
      }
      this.heldRelationships.push({ id, labelIds: [], typeId, start, end, record, file: fileIndex, line: reader.line });
      return;
    }
    this.builder.addRelationship(this.nextRelationshipId++, typeId, start, end, bb.buf, bb.length);
  }

  /** Node id named by a :START_ID / :END_ID field (`space`: its ID space, if any node file had it). */
  private endpoint(reader: CsvReader, column: CsvColumn, space: IdSpace | undefined): number {
    const index = column.index;
    if (reader.isAbsent(index)) throw this.fieldError(reader, index, `the ${column.kind === 'start' ? 'start' : 'end'} node id is missing`);
    if (this.idType === 'actual') {
      const id = this.actualId(reader, index, 'node');
      if (!this.actualNodeIds.has(id) && !this.existingNodes.has(this.idKeys.key(id))) {
        throw this.fieldError(reader, index, `${column.kind === 'start' ? 'start' : 'end'} node ${id} is neither imported nor in the database`);
      }
      return id;
    }
    const which = column.kind === 'start' ? 'start' : 'end';
    let found: number | undefined;
    if (this.idType === 'integer') found = space?.getInteger(this.integerId(reader, index));
    else found = space?.getString(reader.text(index));
    if (found === undefined) {
      const spaceName = column.idSpace === '' ? 'the global ID space' : `ID space ${column.idSpace}`;
      throw this.fieldError(reader, index, `unknown ${which} node id ${JSON.stringify(reader.text(index))} (no node file row has it in ${spaceName})`);
    }
    return found;
  }

  // ── held records (id type actual) ─────────────────────────────────────────

  private async addHeldNodes(): Promise<void> {
    const held = this.heldNodes;
    held.sort((a, b) => a.id - b.id);
    // Index the origins by id for messages, then add in id order.
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      this.builder.addNode(h.id, h.labelIds, h.record);
      if ((i & (TICK_ROWS - 1)) === TICK_ROWS - 1) await this.tick();
    }
  }

  private async addHeldRelationships(): Promise<void> {
    const held = this.heldRelationships;
    const given = new Map<number, HeldRecord>();
    let next = this.nextRelationshipId;
    for (const h of held) {
      if (h.id < 0) continue;
      const twice = given.get(h.id);
      if (twice !== undefined) {
        throw csvError(this.files[h.file]!.file, h.line, 0, `relationship id ${h.id} appears twice (first at ${this.files[twice.file]!.file} line ${twice.line})`);
      }
      given.set(h.id, h);
      if (h.id >= next) next = h.id + 1;
    }
    for (const h of held) if (h.id < 0) h.id = next++;
    held.sort((a, b) => a.id - b.id);
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      this.builder.addRelationship(h.id, h.typeId, h.start, h.end, h.record);
      if ((i & (TICK_ROWS - 1)) === TICK_ROWS - 1) await this.tick();
    }
  }

  // ── values ───────────────────────────────────────────────────────────────

  private fieldError(reader: CsvReader, index: number, message: string): GraphError {
    const header = this.currentHeader(index);
    return csvError(reader.file, reader.fieldLine[index] ?? reader.line, index + 1, header === null ? message : `${header}: ${message}`, header === null ? {} : { header });
  }

  /** Header texts of the file being read (messages name the column). */
  private headerNames: string[] = [];
  private currentHeader(index: number): string | null {
    return this.headerNames[index] ?? null;
  }

  /** A non-negative safe integer node or relationship id from a field (id type actual). */
  private actualId(reader: CsvReader, index: number, what: string): number {
    const text = reader.text(index).trim();
    if (!/^\d+$/.test(text) || Number(text) > MAX_ORDERED_VARINT) throw this.fieldError(reader, index, `${JSON.stringify(text)} is not a ${what} id (a non-negative integer below 2^53)`);
    return Number(text);
  }

  /** An integer id (id type integer): a safe number, or the decimal text of a wider int64. */
  private integerId(reader: CsvReader, index: number): number | string {
    const fast = parseSmallInteger(reader.buf, reader.fieldStart[index]!, reader.fieldEnd[index]!);
    if (fast !== null) return fast;
    const parsed = parseScalar(reader.text(index), 'int');
    if ('problem' in parsed) throw this.fieldError(reader, index, parsed.problem);
    const v = parsed.value as bigint;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }

  private writeField(reader: CsvReader, column: CsvColumn): void {
    const index = column.index;
    const quotedEmpty = reader.fieldStart[index] === reader.fieldEnd[index];
    if (column.array) {
      if (quotedEmpty) {
        writeValue(this.bb, []);
        return;
      }
      const items = reader.text(index).split(this.arrayDelimiter);
      const list: PropertyValue[] = [];
      for (let i = 0; i < items.length; i++) {
        const parsed = parseScalar(items[i]!, column.type as 'int');
        if ('problem' in parsed) throw this.fieldError(reader, index, `item ${i + 1}: ${parsed.problem} (column type ${column.type}[])`);
        list.push(parsed.value);
      }
      writeValue(this.bb, list);
      return;
    }
    switch (column.type) {
      case 'string':
        this.writeString(reader, index);
        return;
      case 'int':
        this.writeInteger(reader, index, column);
        return;
      default: {
        if (quotedEmpty) throw this.fieldError(reader, index, `an empty quoted value is not a ${column.type} (leave the field empty for no value)`);
        const text = reader.text(index);
        const parsed = column.type === 'value' ? parseLiteral(text) : parseScalar(text, column.type);
        if ('problem' in parsed) throw this.fieldError(reader, index, parsed.problem);
        writeValue(this.bb, parsed.value);
      }
    }
  }

  /** STRING from the field's bytes (ASCII copied as is; anything else normalised through UTF-16). */
  private writeString(reader: CsvReader, index: number): void {
    const [bytes, start, end] = reader.fieldBytes(index);
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    const bb = this.bb;
    if (!ascii) {
      // Invalid UTF-8 becomes U+FFFD, as every other string the store holds (record.ts).
      const text = utf8Decoder.decode(bytes.subarray(start, end));
      const encoded = utf8.encode(text);
      bb.u8(VALUE_TAG.STRING).varint(encoded.length).bytes(encoded);
      return;
    }
    const n = end - start;
    bb.ensure(n + 11);
    const b = bb.buf;
    b[bb.length] = VALUE_TAG.STRING;
    let p = putVarint(b, bb.length + 1, n);
    for (let i = start; i < end; i++) b[p++] = bytes[i]!;
    bb.length = p;
  }

  private writeInteger(reader: CsvReader, index: number, column: CsvColumn | null): void {
    const fast = parseSmallInteger(reader.buf, reader.fieldStart[index]!, reader.fieldEnd[index]!);
    const bb = this.bb;
    if (fast !== null) {
      bb.ensure(11);
      bb.buf[bb.length] = VALUE_TAG.INTEGER;
      bb.length = putVarint(bb.buf, bb.length + 1, fast >= 0 ? fast * 2 : -fast * 2 - 1);
      return;
    }
    if (reader.fieldStart[index] === reader.fieldEnd[index]) throw this.fieldError(reader, index, 'an empty quoted value is not an int (leave the field empty for no value)');
    const parsed = parseScalar(reader.text(index), 'int');
    if ('problem' in parsed) throw this.fieldError(reader, index, column === null ? `${parsed.problem} (id type ${this.idType} needs integer ids)` : parsed.problem);
    writeValue(bb, parsed.value);
  }
}

interface RowPlan {
  columns: CsvColumn[];
  properties: { column: CsvColumn; keyId: number }[];
  id: CsvColumn | undefined;
  label: CsvColumn | undefined;
  start: CsvColumn | undefined;
  end: CsvColumn | undefined;
  type: CsvColumn | undefined;
  fixedLabels: number[];
  /** Type id of rows with no :TYPE value (relationship inputs given a type), else −1. */
  defaultTypeId: number;
  startSpace: IdSpace | undefined;
  endSpace: IdSpace | undefined;
}

/** A plain decimal integer of up to 15 digits (optional sign, spaces around) as a number, else null. */
function parseSmallInteger(buf: Uint8Array, start: number, end: number): number | null {
  while (start < end && buf[start] === 0x20) start++;
  while (end > start && buf[end - 1] === 0x20) end--;
  if (start >= end) return null;
  let negative = false;
  const first = buf[start]!;
  if (first === 0x2d || first === 0x2b) {
    negative = first === 0x2d;
    start++;
  }
  const digits = end - start;
  if (digits === 0 || digits > 15) return null;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}
