// The dashboard's building blocks, one import for the pages: data loading with its three states,
// labelled form fields with their errors, buttons, dialogs, menus, copy-to-clipboard, tables and
// formatting. Plain elements and a little CSS; each part lives in its own ui-*.tsx file.
export * from './ui-async.tsx';
export * from './ui-dialogs.tsx';
export * from './ui-format.ts';
export * from './ui-forms.tsx';
export * from './ui-menu.tsx';
export * from './ui-table.tsx';
