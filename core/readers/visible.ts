/**
 * Text from an uploaded file (column names, JSON keys, cells) shown to a person: every character that
 * could act on a terminal or hide in a report is escaped visibly as `\uXXXX`. That covers C0 and C1
 * control characters (ANSI escape sequences start with ESC U+001B or CSI U+009B), DEL, and the
 * invisible format characters that make two different names look the same or reorder text: soft
 * hyphen, zero-width space/joiners, bidirectional marks, embeddings, overrides and isolates, word
 * joiner and invisible operators, line/paragraph separators, the byte-order mark and interlinear
 * annotation marks.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- these are exactly the characters to find
  /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]/g;
const INVISIBLE_BUT_NEWLINE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- as above, without line feed
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every control or invisible character written as `\uXXXX` (line feeds too unless `keepNewlines`). */
export function visible(text: string, options: { readonly keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? INVISIBLE_BUT_NEWLINE : INVISIBLE, escape);
}

/** True when `text` contains a character {@link visible} would escape. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(text);
  INVISIBLE.lastIndex = 0;
  return found;
}

/** `text` without its control and invisible characters (to recognise a name that only they change). */
export function withoutInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}
