// CSV export as a job (DESIGN.md §7 `ombra export DB --out DIR`), in the format bulk import
// reads (src/graph/csv-header.ts, csv-value.ts), under one read snapshot.
//
// FILES (in DIR, created if missing)
//   nodes.csv           :ID,:LABEL,<key>:<type>,...   one row per node, by id
//   relationships.csv   :START_ID,:END_ID,:TYPE,:ID,<key>:<type>,...   one row per relationship, by id
// One file per kind, labels in the :LABEL column (separated by the array delimiter), so the
// export streams in two passes per file whatever the number of label combinations: the first
// pass finds each property key's column type, the second writes the rows. A key whose values
// all share one CSV type gets that typed column; a key with values of several types (or
// values no typed column holds exactly: mixed lists, string lists with an empty item or the
// array delimiter inside an item) gets a `value` column of Cypher literals. An empty list sits
// in any array column as "" (a quoted empty field); an absent property is an empty field.
//
// :ID holds the node id and relationship :ID the relationship id, so
//   ombra import NEW --nodes DIR/nodes.csv --relationships DIR/relationships.csv --id-type actual
// rebuilds the graph with every id, label, type and property value exactly as exported (int64
// extremes, −0, NaN, ±Infinity, unicode and lists included); without --id-type actual the ids
// are assigned afresh. Index definitions are not exported (neo4j-admin's format has no place
// for them): the report lists them so they can be created again.
//
// Each file is written as `<name>.tmp` and renamed when complete. Existing files are
// replaced only with `force` (OUTPUT_EXISTS otherwise). Labels holding the array delimiter
// cannot be written (INVALID_ARGUMENT: choose another arrayDelimiter).

import { join, resolve } from 'node:path';
import type { Database } from '../database.js';
import { GraphError } from '../errors.js';
import { CatalogView } from '../graph/catalog.js';
import { csvTypeOf, formatTyped, type CsvBaseType } from '../graph/csv-value.js';
import { propertyHeader } from '../graph/csv-header.js';
import { orderedVarintEnd, readOrderedVarint } from '../graph/encoding.js';
import { nodeLabelIds, nodePropertiesOffset, readProperties, relationshipHeader, type PropertyList } from '../graph/record.js';
import type { PropertyValue } from '../graph/value.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import { ROOT_SLOT } from '../storage/meta.js';
import type { ReadTransaction } from '../storage/pager.js';
import type { FileSystem } from '../storage/types.js';
import { BufferedWriter, isDirectory, unlinkIfExists } from './files.js';
import type { JobContext } from './job.js';
import { OperationError } from './ops-error.js';

export interface ExportOptions {
  /** Directory to write nodes.csv and relationships.csv into. */
  dir: string;
  /** Replace existing files (default false: OUTPUT_EXISTS). */
  force?: boolean;
  /** Field delimiter (default ','). */
  delimiter?: string;
  /** Separator of list items and labels (default ';'). */
  arrayDelimiter?: string;
}

export interface ExportFileReport {
  file: string;
  kind: 'nodes' | 'relationships';
  rows: number;
  bytes: number;
  columns: string[];
}

export interface ExportReport {
  dir: string;
  files: ExportFileReport[];
  nodes: number;
  relationships: number;
  /** LSN of the snapshot exported. */
  lsn: bigint;
  /** Index definitions of the database (not part of the CSV format). */
  indexes: { name: string; label: string; key: string; unique: boolean }[];
  /** The command that imports this export with every id kept. */
  importCommand: string;
  durationMs: number;
  rowsPerSecond: number;
}

/** Column type of a property key across every record of a file. */
interface KeyColumn {
  keyId: number;
  name: string;
  type: CsvBaseType | null;
  array: boolean;
  /** Only empty lists seen so far (they fit any array column). */
  emptyListsOnly: boolean;
}

const FLUSH_CHARS = 1 << 20;

/** Export `db` into CSV files (job 'export'; reads one snapshot, never blocks writers). */
export async function exportDatabase(db: Database, options: ExportOptions): Promise<ExportReport> {
  const dir = resolve(options.dir);
  return db.jobs.run({
    kind: 'export',
    description: `export ${db.path} to ${dir}`,
    body: async (ctx) => {
      const started = performance.now();
      const fs = db.fs;
      const delimiter = options.delimiter ?? ',';
      const arrayDelimiter = options.arrayDelimiter ?? ';';
      if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
        throw new GraphError('INVALID_ARGUMENT', `the delimiter must be one character other than '"', CR and LF (got ${JSON.stringify(delimiter)})`, { delimiter });
      }
      if (arrayDelimiter.length === 0 || arrayDelimiter === delimiter) throw new GraphError('INVALID_ARGUMENT', 'the array delimiter must be non-empty and differ from the delimiter', { arrayDelimiter });
      if (!fs.exists(dir)) fs.mkdir(dir);
      else if (!isDirectory(fs, dir)) throw new OperationError('OUTPUT_EXISTS', `${dir} exists and is not a directory`, { file: dir });
      const names = ['nodes.csv', 'relationships.csv'].map((n) => join(dir, n));
      for (const path of names) {
        if (fs.exists(path) && options.force !== true) throw new OperationError('OUTPUT_EXISTS', `${path} exists; export replaces files only when forced (--force)`, { file: path });
      }
      const txn = db.pager.beginRead();
      try {
        const catalog = new CatalogView(txn, db.graphShared.catalog);
        const writer = new CsvExport(fs, txn, catalog, delimiter, arrayDelimiter, ctx);
        const nodes = await writer.nodes(names[0]!);
        const relationships = await writer.relationships(names[1]!);
        const indexes = catalog.loadIndexDefinitions().map((d) => ({ name: d.name, label: catalog.nameOf(d.labelId), key: catalog.nameOf(d.keyId), unique: d.unique }));
        const durationMs = performance.now() - started;
        const rows = nodes.rows + relationships.rows;
        return {
          dir,
          files: [nodes, relationships],
          nodes: nodes.rows,
          relationships: relationships.rows,
          lsn: txn.lastLsn,
          indexes,
          importCommand: `ombra import NEW.db --nodes ${names[0]} --relationships ${names[1]} --id-type actual${delimiter !== ',' ? ` --delimiter ${delimiter === '\t' ? 'tab' : `'${delimiter}'`}` : ''}${arrayDelimiter !== ';' ? ` --array-delimiter '${arrayDelimiter}'` : ''}`,
          durationMs,
          rowsPerSecond: durationMs > 0 ? Math.round((rows * 1000) / durationMs) : 0,
        };
      } finally {
        txn.end();
      }
    },
  });
}

class CsvExport {
  private readonly nodesTree: BTree;
  private readonly relationshipsTree: BTree;
  private readonly needsQuote: RegExp;

  constructor(
    private readonly fs: FileSystem,
    txn: ReadTransaction,
    private readonly catalog: CatalogView,
    private readonly delimiter: string,
    private readonly arrayDelimiter: string,
    private readonly ctx: JobContext,
  ) {
    this.nodesTree = new BTree(txn, rootInSlot(txn, ROOT_SLOT.NODES), { name: 'nodes' });
    this.relationshipsTree = new BTree(txn, rootInSlot(txn, ROOT_SLOT.RELATIONSHIPS), { name: 'relationships' });
    this.needsQuote = new RegExp(`["\\r\\n${delimiter.replace(/[\\\]^-]/g, '\\$&')}]`);
  }

  private field(text: string): string {
    if (text.length === 0 || this.needsQuote.test(text)) return `"${text.replace(/"/g, '""')}"`;
    return text;
  }

  /** Walk a record tree: fn(id, record) for each entry, in id order. */
  private async walk(tree: BTree, fn: (id: number, record: Uint8Array) => void): Promise<void> {
    const cur = tree.cursor();
    let n = 0;
    for (cur.seekFirst(); cur.valid; cur.next()) {
      const key = cur.key;
      const id = readOrderedVarint(key, 0);
      if (orderedVarintEnd !== key.length) throw new GraphError('INVALID_ARGUMENT', `${tree.name}: a key has bytes after its id (run verify)`, {});
      fn(id, cur.value);
      if ((++n & 4095) === 0) await this.ctx.checkpoint();
    }
  }

  private observe(columns: Map<number, KeyColumn>, props: PropertyList): void {
    for (let i = 0; i < props.keyIds.length; i++) {
      const keyId = props.keyIds[i]!;
      const value = props.values[i]!;
      let column = columns.get(keyId);
      if (column === undefined) columns.set(keyId, (column = { keyId, name: this.catalog.nameOf(keyId), type: null, array: false, emptyListsOnly: false }));
      if (column.type === 'value') continue;
      if (Array.isArray(value) && value.length === 0) {
        if (column.type === null) column.emptyListsOnly = true;
        else if (!column.array) column.type = 'value';
        continue;
      }
      const t = csvTypeOf(value, this.arrayDelimiter);
      if (column.type === null) {
        if (column.emptyListsOnly && !t.array) column.type = 'value';
        else {
          column.type = t.type;
          column.array = t.array;
        }
      } else if (column.type !== t.type || column.array !== t.array) column.type = 'value';
    }
  }

  private ordered(columns: Map<number, KeyColumn>): KeyColumn[] {
    const list = [...columns.values()];
    for (const c of list) {
      if (c.type === null) {
        // Only empty lists: any array type holds them.
        c.type = 'string';
        c.array = true;
      }
      if (c.name.length === 0) throw new GraphError('INVALID_ARGUMENT', 'a property key with an empty name cannot be written as a CSV column', {});
    }
    return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private cells(columns: KeyColumn[], position: Map<number, number>, props: PropertyList): string[] {
    const cells = new Array<string>(columns.length).fill('');
    for (let i = 0; i < props.keyIds.length; i++) {
      const at = position.get(props.keyIds[i]!)!;
      const column = columns[at]!;
      const value: PropertyValue = props.values[i]!;
      cells[at] = Array.isArray(value) && value.length === 0 && column.type !== 'value' ? '""' : this.field(formatTyped(value, column.type!, column.array, this.arrayDelimiter));
    }
    return cells;
  }

  async nodes(path: string): Promise<ExportFileReport> {
    const columns = new Map<number, KeyColumn>();
    this.ctx.progress({ phase: 'export: reading node property types' });
    await this.walk(this.nodesTree, (_id, rec) => this.observe(columns, readProperties(rec, nodePropertiesOffset(rec))));
    const list = this.ordered(columns);
    const position = new Map(list.map((c, i) => [c.keyId, i]));
    const header = [':ID', ':LABEL', ...list.map((c) => propertyHeader(c.name, c.type!, c.array))];
    this.ctx.progress({ phase: 'export: writing nodes' });
    return this.writeFile(path, 'nodes', header, async (emit) => {
      await this.walk(this.nodesTree, (id, rec) => {
        const labels = nodeLabelIds(rec).map((l) => this.catalog.nameOf(l));
        for (const label of labels) {
          if (label.includes(this.arrayDelimiter)) {
            throw new GraphError('INVALID_ARGUMENT', `label ${JSON.stringify(label)} holds the array delimiter ${JSON.stringify(this.arrayDelimiter)}: export with another --array-delimiter`, { label });
          }
        }
        const props = readProperties(rec, nodePropertiesOffset(rec));
        emit([String(id), labels.length === 0 ? '' : this.field(labels.join(this.arrayDelimiter)), ...this.cells(list, position, props)]);
      });
    });
  }

  async relationships(path: string): Promise<ExportFileReport> {
    const columns = new Map<number, KeyColumn>();
    this.ctx.progress({ phase: 'export: reading relationship property types' });
    await this.walk(this.relationshipsTree, (_id, rec) => this.observe(columns, readProperties(rec, relationshipHeader(rec).propertiesAt)));
    const list = this.ordered(columns);
    const position = new Map(list.map((c, i) => [c.keyId, i]));
    const header = [':START_ID', ':END_ID', ':TYPE', ':ID', ...list.map((c) => propertyHeader(c.name, c.type!, c.array))];
    this.ctx.progress({ phase: 'export: writing relationships' });
    const typeNames = new Map<number, string>();
    return this.writeFile(path, 'relationships', header, async (emit) => {
      await this.walk(this.relationshipsTree, (id, rec) => {
        const h = relationshipHeader(rec);
        let type = typeNames.get(h.typeId);
        if (type === undefined) typeNames.set(h.typeId, (type = this.field(this.catalog.nameOf(h.typeId))));
        emit([String(h.start), String(h.end), type, String(id), ...this.cells(list, position, readProperties(rec, h.propertiesAt))]);
      });
    });
  }

  /** Write header and rows to `<path>.tmp`, sync, rename to `path`. */
  private async writeFile(path: string, kind: 'nodes' | 'relationships', header: string[], rows: (emit: (cells: string[]) => void) => Promise<void>): Promise<ExportFileReport> {
    const temp = `${path}.tmp`;
    unlinkIfExists(this.fs, temp);
    const handle = this.fs.open(temp, { create: true });
    let done = false;
    try {
      handle.truncate(0);
      const out = new BufferedWriter(handle);
      let chunk = '';
      let count = 0;
      const d = this.delimiter;
      const flush = (): void => {
        out.write(Buffer.from(chunk, 'utf8'));
        chunk = '';
      };
      chunk += header.map((h) => this.field(h)).join(d) + '\n';
      await rows((cells) => {
        chunk += cells.join(d) + '\n';
        count++;
        if (chunk.length >= FLUSH_CHARS) flush();
      });
      flush();
      out.flush();
      handle.sync();
      handle.close();
      done = true;
      this.fs.rename(temp, path);
      return { file: path, kind, rows: count, bytes: out.bytesWritten, columns: header };
    } finally {
      if (!done) {
        try {
          handle.close();
        } catch {
          // the export's own error is the one to report
        }
        unlinkIfExists(this.fs, temp);
      }
    }
  }
}
