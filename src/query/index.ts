// Running queries against a Database (session.ts has the contract Q1-Q4).
export { QuerySession, collectRun, type QueryHost } from './session.js';
export { PreparedStatement, QueryStream } from './statement.js';
export { Transaction, type TransactionState } from './transaction.js';
export { toRecords, type QueryOptions, type QueryResult } from './result.js';
