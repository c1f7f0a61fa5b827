// The REPL history file lives in shell/history-file.ts: the line shell (shell/) shares it
// with the dashboard, and shell must not import from tui (DESIGN.md §1).
export * from '../shell/history-file.js';
