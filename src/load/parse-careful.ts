/**
 * parseRange, the careful parse: yaml's Lexer → Parser → Composer over a range of a source's text,
 * one document at a time, with every limit watched as it reads (documents, tokens per document,
 * nesting on the parser's stack), then per document: yaml's errors and warnings as issues, the
 * node walk (check-document.ts), the value (toJS), and unroll into LoadedDocuments with locators
 * that re-parse on demand (locate.ts). It is the authority for every message and position: the
 * fast path (fast-yaml.ts) only ever builds values this path would build the same.
 */
import type { CST, Document, YAMLError } from 'yaml';
import type { LoadedDocument } from '../domain/types';
import { KUBECTL_YAML_TAGS } from '../domain/yaml-scalars';
import { checkDocument } from './check-document';
import type { IssueSink } from './issue-sink';
import type { LoadLimits } from './limits';
import { carefulLocators } from './locate';
import { positionOf, type SourceText } from './source-text';
import { unroll } from './unroll';
import { yaml } from './yaml-module';

type Token = CST.Token;

const COLLECTION_TOKENS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** RangeOutcome tells how a careful parse of a range ended. */
export interface RangeOutcome {
  /** A limit stopped the parse: the rest of the range was not read. */
  stopped: boolean;
  /** Documents the composer produced, empty ones included. */
  composed: number;
}

/**
 * parseRange parses src.text[start, end) carefully. Its documents are numbered from firstIndex and
 * every offset is made absolute, so a range gives what the whole source would give for it.
 * onNewLine fills the source's line index while parsing, when it was not built beforehand.
 */
export function parseRange(
  src: SourceText,
  start: number,
  end: number,
  firstIndex: number,
  lim: LoadLimits,
  sink: IssueSink,
  documents: LoadedDocument[],
  onNewLine?: (offset: number) => void,
): RangeOutcome {
  const text = start === 0 && end === src.text.length ? src.text : src.text.slice(start, end);
  const lexer = new (yaml().Lexer)();
  const parser = new (yaml().Parser)(onNewLine);
  // uniqueKeys is off because yaml checks it pairwise (quadratic: a 1,000,000-key map would hang);
  // checkDocument finds duplicates with one Set per map instead. merge: `<<` keys as kubectl has them.
  const composer = new (yaml().Composer)({ merge: true, uniqueKeys: false, prettyErrors: false, customTags: KUBECTL_YAML_TAGS });
  let rawDocuments = 0; // document tokens seen by the parser: the index of the one being parsed
  let composed = 0; // documents handed out by the composer
  let stopped = false;
  let tokensInDocument = 0;

  const take = (doc: Document.Parsed): void => {
    handleDocument(src, doc, firstIndex + composed++, start, lim, sink, documents);
  };

  // feed hands one parser token to the composer; false once the document limit is crossed.
  const feed = (token: Token): boolean => {
    if (token.type === 'document') tokensInDocument = 0;
    if (token.type === 'document' && ++rawDocuments + firstIndex > lim.maxDocuments) {
      sink.add(
        firstIndex + rawDocuments - 1,
        start + token.offset,
        `too many documents: more than ${lim.maxDocuments} in one file; split it into several files`,
      );
      return false;
    }
    for (const doc of composer.next(token)) take(doc);
    return true;
  };

  // Feeding the parser one lexeme at a time lets us watch its stack, which holds exactly the open
  // maps and lists: the depth limit trips before yaml's recursive composer could overflow the call
  // stack (100,000 `[` crashed node with an out-of-memory in the composer's recovery path).
  outer: for (const lexeme of lexer.lex(text)) {
    if (++tokensInDocument > lim.maxDocumentTokens) {
      sink.add(
        firstIndex + rawDocuments,
        start + (parser.stack[0]?.offset ?? parser.offset),
        `document too large: more than ${lim.maxDocumentTokens} YAML tokens in one document; ` +
          'split it into several documents (the rest of the file was not read)',
      );
      stopped = true;
      break;
    }
    for (const token of parser.next(lexeme)) {
      if (!feed(token)) {
        stopped = true;
        break outer;
      }
    }
    if (parser.stack.length > lim.maxDepth) {
      let depth = 0;
      for (const token of parser.stack) {
        if (!COLLECTION_TOKENS.has(token.type)) continue;
        if (++depth > lim.maxDepth) {
          sink.add(
            firstIndex + rawDocuments,
            start + token.offset,
            `nesting too deep: maps and lists are nested more than ${lim.maxDepth} levels here; ` +
              'a Kubernetes object never needs that many (the rest of the file was not read)',
          );
          stopped = true;
          break outer;
        }
      }
    }
  }
  if (!stopped) {
    for (const token of parser.end()) {
      if (!feed(token)) {
        stopped = true;
        break;
      }
    }
  }
  // forceDoc: errors outside any document (a stray `...`) still come out, on an empty document.
  for (const doc of composer.end(true, text.length)) take(doc);

  return { stopped, composed };
}

/**
 * handleDocument turns one composed document into its issues (yaml's errors and warnings, then the
 * node walk's) and, when it has no error, its LoadedDocuments. `base` makes its offsets absolute.
 */
function handleDocument(
  src: SourceText,
  doc: Document.Parsed,
  documentIndex: number,
  base: number,
  lim: LoadLimits,
  sink: IssueSink,
  out: LoadedDocument[],
): void {
  const before = sink.errorCount;
  for (const error of doc.errors) sink.add(documentIndex, base + error.pos[0], yamlMessage(error));
  for (const warning of doc.warnings) sink.add(documentIndex, base + warning.pos[0], yamlMessage(warning), [], 'warning');

  const root = doc.contents;
  if (root === null || (yaml().isScalar(root) && root.value === null)) return; // empty document: skipped
  if (sink.errorCount > before) return;

  const lineOf = (offset: number): number => positionOf(src, base + offset).line;
  checkDocument(root, lim, lineOf, (node, message, path) => sink.add(documentIndex, base + (node.range?.[0] ?? 0), message, path));
  if (sink.errorCount > before) return;

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: lim.maxAliasCount });
  } catch (error) {
    // checkDocument mirrors yaml's alias rules, so this is a safety net rather than a path we expect.
    const why = error instanceof Error ? error.message : String(error);
    sink.add(documentIndex, base + (root.range?.[0] ?? 0), `cannot build the document's value: ${why}`);
    return;
  }

  const rootOffset = base + (root.range?.[0] ?? doc.range[0]);
  const locatorFor = carefulLocators(src, base + doc.range[0], base + doc.range[2], rootOffset);
  unroll(src, value, [], documentIndex, locatorFor, rootOffset, sink, out);
}

/** yamlMessage turns a yaml error into a plain sentence; the issue carries line and column. */
function yamlMessage(error: YAMLError): string {
  const plain = error.message.replace(/\.$/, '');
  const lower = plain.charAt(0).toLowerCase() + plain.slice(1);
  switch (error.code) {
    case 'MISSING_CHAR':
      if (/closing ["']quote/i.test(plain)) {
        const q = plain.includes('"quote') ? '"' : "'";
        return `invalid YAML: a ${q === '"' ? 'double' : 'single'}-quoted string is never closed; add the closing ${q}`;
      }
      return `invalid YAML: ${lower}`;
    case 'TAB_AS_INDENT':
      return 'invalid YAML: a tab is used for indentation; YAML allows only spaces there, so indent with spaces';
    case 'TAG_RESOLVE_FAILED':
    case 'BAD_DIRECTIVE':
      return `YAML warning: ${lower}; it is ignored`;
    default:
      return `invalid YAML: ${lower}`;
  }
}
