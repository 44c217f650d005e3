// Parsing within bounds. graphql-js parses a document of any length, and yoga's default caches keep
// every document text they saw, including ones that failed to parse or validate: a stream of large
// made-up queries grew the heap without end. Here a document has a token limit, only documents that
// parsed and validated are cached, and the cache holds a bounded number of short texts.
import { parse, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** far above the dashboard's largest query (about 600 tokens) and the introspection query */
export const MAX_TOKENS = 10_000;
const CACHE_ENTRIES = 1_000;
/** a longer text is parsed each time rather than held */
const CACHED_TEXT_MAX_CHARS = 32 * 1024;

export function useBoundedParsing(): {
  plugin: Plugin;
  documentCache: { get(key: string): DocumentNode | undefined; set(key: string, value: DocumentNode): void };
  errorCache: { get(): undefined; set(): void };
} {
  const documents = new Map<string, DocumentNode>(); // insertion order = least recently used first
  const textOf = new WeakMap<DocumentNode, string>();
  const documentCache = {
    get(text: string) {
      const document = documents.get(text);
      if (document) {
        documents.delete(text);
        documents.set(text, document);
      }
      return document;
    },
    set(text: string, document: DocumentNode) {
      if (text.length > CACHED_TEXT_MAX_CHARS) return;
      documents.set(text, document);
      textOf.set(document, text);
      if (documents.size > CACHE_ENTRIES) documents.delete(documents.keys().next().value!);
    },
  };
  const plugin: Plugin = {
    onParse({ setParseFn }) {
      setParseFn((source, options) => parse(source, { ...options, maxTokens: MAX_TOKENS }));
    },
    onValidate({ params }) {
      return ({ result }) => {
        // a document that does not validate is not kept for the next request to find
        const text = textOf.get(params.documentAST);
        if (result.length && text !== undefined) documents.delete(text);
      };
    },
  };
  // parse errors are not cached at all: a refused text is refused again at the cost of a bounded parse
  return { plugin, documentCache, errorCache: { get: () => undefined, set: () => undefined } };
}
