/**
 * Keys for the state store tests.
 */

/** Keys that broke or could break a naive store: paths, prototypes, odd characters. */
export const KEYS = [
  "dresser",
  "x/../../evil",
  "..",
  ".",
  "/",
  "\\",
  "",
  "__proto__",
  "constructor",
  "C:\\evil",
  "a\0b",
  "\uFFFD",
  "цвет 🎨",
  "DRESSER",
  "k_dresser.json",
  ".tmp-x",
];
