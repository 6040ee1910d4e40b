/**
 * The exported tables (utils/export-format.ts) whose rows are stored in bundles (utils/bundle-store.ts), and
 * where: export writes them as rows, import turns rows back into bundles.
 */
import type { Bundle, BundleKind } from './bundle-store';
import { CONVERSATIONS } from './conversation-store';
import type { TableName } from './export-format';
import { TASKS } from './task-store';
import { TURNS } from './turn-store';

type Row = { id: string };

export const BUNDLED: Partial<Record<TableName, BundleKind<Row, Bundle<Row>>>> = {
  turns: TURNS,
  conversations: CONVERSATIONS,
  tasks: TASKS,
};

/** The IndexedDB table an exported table's rows are stored in. */
export const storedTableOf = (name: TableName): string => BUNDLED[name]?.table ?? name;
