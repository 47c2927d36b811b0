/**
 * What WhatsApp takes as a reaction: one emoji as its keyboard offers it. Checked by shape (after
 * UTS #51, the emoji sequences of Unicode) rather than against a list, so emoji newer than the
 * runtime's Unicode data still pass, while text that only renders as one character does not: a
 * ZWJ chain thousands of characters long, an emoji under a pile of combining marks, half a flag.
 */

/** The longest joined sequence: families and kisses with skin tones have up to 7 parts. */
const maxJoinedParts = 10;

/** Longer text is refused before it is segmented: 10 parts of at most 6 code units, joined. */
const maxEmojiLength = maxJoinedParts * 7;

// One part of a joined sequence: a pictograph with an optional skin tone (only on a base that
// takes one) and an optional emoji presentation selector, or a subdivision flag (🏴 + tag letters + cancel tag).
const part =
  '(?:\\p{Emoji_Modifier_Base}\\p{Emoji_Modifier}\\uFE0F?' +
  '|\\p{Extended_Pictographic}\\uFE0F?' +
  '|\\u{1F3F4}[\\u{E0030}-\\u{E0039}\\u{E0061}-\\u{E007A}]{2,6}\\u{E007F})';

const emojiShape = new RegExp(
  '^(?:' +
    // No emoji: removes the reaction.
    '|' +
    // A country flag: exactly two regional indicators.
    '\\p{Regional_Indicator}{2}' +
    // A keycap: 0-9, # or *, the presentation selector, the enclosing keycap.
    '|[0-9#*]\\uFE0F?\\u20E3' +
    `|${part}(?:\\u200D${part}){0,${maxJoinedParts - 1}}` +
    ')$',
  'u',
);

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The shape alone, for the OpenAPI document (JSON Schema has no grapheme count): `""` or one
 * emoji sequence.
 */
export const reactionPattern = emojiShape;
export const reactionMaxLength = maxEmojiLength;

/**
 * `""` (remove) or exactly one emoji: skin tones, flags, keycaps and joined sequences included.
 *
 * @example isReactionEmoji('👍🏽') // → true
 * @example isReactionEmoji('🇺') // → false: half a flag
 */
export function isReactionEmoji(value: string): boolean {
  if (value === '') return true;
  if (value.length > maxEmojiLength) return false;
  let count = 0;
  for (const _ of graphemes.segment(value)) if (++count > 1) return false;
  return emojiShape.test(value);
}
