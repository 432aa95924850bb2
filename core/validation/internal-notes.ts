/**
 * Internal notes must never reach a user (issue 10 item 5): a report, the CLI, a README table or a
 * review names public sources only. These are the markers of the team's working notes — references to
 * its internal domain notes, "from memory", the confidence shorthand [M] / [U] / [C] and [unsure] —
 * found in text shown to users. A value whose public source is not confirmed says so in plain words
 * (`confidence: "unverified"` on a parameter) and names the public document it was taken from.
 */
export const INTERNAL_NOTE_MARKERS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /domain\.md|house-style(?:\.md)?|toolchain\.md|PROTOCOL\.md/i, what: 'a reference to internal team notes' },
  { pattern: /from memory/i, what: '"from memory"' },
  { pattern: /\[(?:M|U|C)(?:\]|[:;,]|\s)/, what: 'the confidence shorthand [M] / [U] / [C]' },
  { pattern: /\[unsure|\bunsure\]/i, what: 'the shorthand [unsure]' },
];

/** Each internal-note marker in `text`, as `what: "…excerpt…"`; empty when the text is fit for users. */
export function internalNotes(text: string): string[] {
  const found: string[] = [];
  for (const { pattern, what } of INTERNAL_NOTE_MARKERS) {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    for (const m of text.matchAll(global)) {
      const from = Math.max(0, m.index - 40);
      found.push(`${what}: "…${text.slice(from, m.index + m[0].length + 20).replace(/\s+/g, ' ')}…"`);
    }
  }
  return found;
}
