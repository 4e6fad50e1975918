/**
 * SourceText is the decoded text of one source with its line index, shared by every locator and
 * issue of that source; positionOf turns an offset in it into kubectl's 1-based line and column.
 */
import type { Position } from '../domain/types';
import { LineStarts } from './line-starts';

/** SourceText is the decoded text of one source plus its line index, shared by all its locators. */
export interface SourceText {
  file: string;
  text: string;
  lines: LineStarts;
}

/**
 * sourceText starts a source's line index with its first line; the rest comes from indexLines, or
 * from yaml's Parser, which reports each line start as it reads (see parse-careful.ts).
 */
export function sourceText(file: string, text: string): SourceText {
  const lines = new LineStarts();
  lines.addNewLine(0);
  return { file, text, lines };
}

/** indexLines records every line start after the first, from the text. */
export function indexLines(src: SourceText): void {
  const { text, lines } = src;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
}

/** positionOf is the line and column of an offset, clamped to the text. */
export function positionOf(src: SourceText, offset: number): Position {
  const { line, col } = src.lines.linePos(Math.max(0, Math.min(offset, src.text.length)));
  return { line, column: col };
}
