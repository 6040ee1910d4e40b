/** The IndexedDB database's name, apart from utils/db.ts so that reading it needs no Dexie (utils/first-read.ts). */
export const DB_NAME = 'tokenwise';
