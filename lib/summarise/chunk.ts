import { splitSentences } from '../text/sentences.ts';
import type { TokenCounter } from './tokens.ts';

/**
 * Splitting a long article into chunks of at most `budget` tokens for map-reduce.
 *
 * Cuts at paragraph boundaries first, then (for a paragraph over the budget) at sentence
 * boundaries (Arabic punctuation aware, from the text stages), then at spaces, and only for a run
 * of text with no space at all, by characters. Deterministic: the same text and budget always give
 * the same chunks, which is what lets cached chunk notes be found again on a retry.
 */

interface Piece {
  text: string;
  tokens: number;
  /** Placed before the piece when it is not the first of its chunk. */
  joiner: string;
}

const PARAGRAPH_BREAK = /\n[^\S\n]*\n\s*/u;

/** Splits text with no space in it by characters, halving until each part fits. */
function byCharacters(text: string, budget: number, count: TokenCounter): string[] {
  const chars = Array.from(text);
  // A single character over the budget cannot be cut further (only with absurdly small budgets).
  if (chars.length <= 1 || count(text) <= budget) return [text];
  const middle = Math.ceil(chars.length / 2);
  return [
    ...byCharacters(chars.slice(0, middle).join(''), budget, count),
    ...byCharacters(chars.slice(middle).join(''), budget, count),
  ];
}

/** Pieces (each within the budget) of one sentence that is itself over the budget. */
function byWords(sentence: string, budget: number, count: TokenCounter, joiner: string, out: Piece[]): void {
  let first = true;
  for (const word of sentence.split(/\s+/u)) {
    if (word === '') continue;
    const parts = byCharacters(word, budget, count);
    for (const [i, part] of parts.entries()) {
      out.push({ text: part, tokens: count(part), joiner: first ? joiner : i === 0 ? ' ' : '' });
      first = false;
    }
  }
}

function pieces(text: string, budget: number, count: TokenCounter): Piece[] {
  const out: Piece[] = [];
  for (const paragraph of text.split(PARAGRAPH_BREAK)) {
    const trimmed = paragraph.trim();
    if (trimmed === '') continue;
    const tokens = count(trimmed);
    if (tokens <= budget) {
      out.push({ text: trimmed, tokens, joiner: '\n\n' });
      continue;
    }
    for (const [i, sentence] of splitSentences(trimmed).entries()) {
      const joiner = i === 0 ? '\n\n' : ' ';
      const n = count(sentence);
      if (n <= budget) out.push({ text: sentence, tokens: n, joiner });
      else byWords(sentence, budget, count, joiner, out);
    }
  }
  return out;
}

const joinPieces = (list: readonly Piece[]): string =>
  list.map((p, i) => (i === 0 ? p.text : `${p.joiner}${p.text}`)).join('');

/** Greedy packing; a join usually costs one token, and the exact count of each chunk is checked after. */
function pack(list: readonly Piece[], budget: number, count: TokenCounter): string[] {
  const chunks: string[] = [];
  let current: Piece[] = [];
  let tokens = 0;
  const flush = () => {
    if (current.length === 0) return;
    chunks.push(...verified(current, budget, count));
    current = [];
    tokens = 0;
  };
  for (const piece of list) {
    const cost = piece.tokens + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && tokens + cost > budget) flush();
    tokens += current.length > 0 ? cost : piece.tokens;
    current.push(piece);
  }
  flush();
  return chunks;
}

/** Tokens do not always add up across a join: a packed chunk over the budget is split in two. */
function verified(list: readonly Piece[], budget: number, count: TokenCounter): string[] {
  const text = joinPieces(list);
  if (list.length === 1 || count(text) <= budget) return [text];
  const middle = Math.ceil(list.length / 2);
  return [...verified(list.slice(0, middle), budget, count), ...verified(list.slice(middle), budget, count)];
}

/** `text` cut into chunks of at most `budget` tokens (as counted by `count`), in order, none empty. */
export function splitIntoChunks(text: string, budget: number, count: TokenCounter): string[] {
  if (!Number.isInteger(budget) || budget < 1) throw new Error(`Invalid chunk budget ${budget}.`);
  return pack(pieces(text, budget, count), budget, count);
}
