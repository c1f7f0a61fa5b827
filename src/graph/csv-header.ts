// CSV headers of bulk import files, as neo4j-admin import reads them.
//
// HEADER FIELDS (one per column; names and types split at the last ':')
//   name                 a STRING property
//   name:type            a typed property (csv-value.ts: int, float, boolean, string, their
//                        arrays T[], and ombra's `value`)
//   :ID  name:ID         node id column (node files); with a name, the id is also stored as
//   :ID(space)           that property. An ID space keeps ids of different files apart.
//   :LABEL               labels of the node, separated by the array delimiter (node files)
//   :START_ID(space)     start node (relationship files), in the ID space given (default: global)
//   :END_ID(space)       end node (relationship files)
//   :TYPE                relationship type (relationship files)
//   :ID                  in a relationship file: the relationship id, used with id type
//                        `actual` only (ombra extension; export writes it)
//   :IGNORE  name:IGNORE the column is skipped
// Special type names are case-insensitive. A node file has at most one :ID and one :LABEL
// column; a relationship file exactly one :START_ID and one :END_ID, and a :TYPE column or a
// type given with the file. Two columns naming one property are refused.

import { csvError } from './csv-reader.js';
import { parseTypeName, type CsvBaseType } from './csv-value.js';

export type ColumnKind = 'property' | 'id' | 'label' | 'start' | 'end' | 'type' | 'ignore';

export interface CsvColumn {
  /** Field index (0-based). */
  index: number;
  kind: ColumnKind;
  /** Property name ('' when the column stores no property). */
  name: string;
  type: CsvBaseType;
  array: boolean;
  /** ID space of an id, start or end column ('' = the global space). */
  idSpace: string;
  /** The header text, for messages. */
  header: string;
}

const SPECIAL = /^(ID|START_ID|END_ID|LABEL|TYPE|IGNORE)(?:\((.*)\))?$/i;

/** Parse the header of a node ('nodes') or relationship ('relationships') file. */
export function parseHeader(fields: readonly string[], fileKind: 'nodes' | 'relationships', file: string, line: number, typeGiven: boolean): CsvColumn[] {
  const columns: CsvColumn[] = [];
  const names = new Set<string>();
  const seen = new Map<ColumnKind, number>();
  for (let index = 0; index < fields.length; index++) {
    const header = fields[index]!;
    const colon = header.lastIndexOf(':');
    const name = colon < 0 ? header : header.slice(0, colon);
    const typeText = colon < 0 ? 'string' : header.slice(colon + 1);
    const fail = (message: string): never => {
      throw csvError(file, line, index + 1, `header ${JSON.stringify(header)}: ${message}`, { header });
    };
    const special = SPECIAL.exec(typeText.trim());
    let column: CsvColumn;
    if (special !== null) {
      const kinds: Record<string, ColumnKind> = { ID: 'id', START_ID: 'start', END_ID: 'end', LABEL: 'label', TYPE: 'type', IGNORE: 'ignore' };
      const kind = kinds[special[1]!.toUpperCase()]!;
      const idSpace = special[2] ?? '';
      if (idSpace !== '' && kind !== 'id' && kind !== 'start' && kind !== 'end') fail(`only ID, START_ID and END_ID take an ID space`);
      if (fileKind === 'nodes' && (kind === 'start' || kind === 'end' || kind === 'type')) fail(`a node file has no ${special[1]!.toUpperCase()} column`);
      if (fileKind === 'relationships' && kind === 'label') fail('a relationship file has no LABEL column');
      if (fileKind === 'relationships' && kind === 'id' && (name !== '' || idSpace !== '')) fail('the ID column of a relationship file (its relationship id) takes no name or ID space');
      if (kind !== 'ignore' && kind !== 'id' && name !== '') fail(`a ${special[1]!.toUpperCase()} column takes no property name`);
      if (kind !== 'ignore') {
        if (seen.has(kind)) fail(`a second ${special[1]!.toUpperCase()} column (the first is column ${seen.get(kind)! + 1})`);
        seen.set(kind, index);
      }
      column = { index, kind, name: kind === 'id' ? name : '', type: 'string', array: false, idSpace, header };
    } else {
      const parsed = parseTypeName(typeText);
      if (parsed === null) fail(`unknown type ${JSON.stringify(typeText)} (int, long, float, double, boolean, string, their arrays like int[], or value)`);
      if (name === '') fail('a property column needs a name');
      column = { index, kind: 'property', name, type: parsed!.type, array: parsed!.array, idSpace: '', header };
    }
    if (column.name !== '') {
      if (names.has(column.name)) fail(`property ${JSON.stringify(column.name)} has two columns`);
      names.add(column.name);
    }
    columns.push(column);
  }
  if (fileKind === 'relationships') {
    if (!seen.has('start')) throw csvError(file, line, 0, 'the header has no :START_ID column');
    if (!seen.has('end')) throw csvError(file, line, 0, 'the header has no :END_ID column');
    if (!seen.has('type') && !typeGiven) throw csvError(file, line, 0, 'the header has no :TYPE column and no type was given for the file (--relationships=TYPE=FILE)');
  }
  return columns;
}

/** The column of a kind, if any. */
export function columnOf(columns: readonly CsvColumn[], kind: ColumnKind): CsvColumn | undefined {
  return columns.find((c) => c.kind === kind);
}

/** Header text of a property column: `name:type` (arrays `type[]`). */
export function propertyHeader(name: string, type: CsvBaseType, array: boolean): string {
  return `${name}:${type}${array ? '[]' : ''}`;
}
