// The request body limit. yoga's own `maxRequestBodySize` pipes every body through a counting
// stream, and on Node each such pipeline ends by building an AbortError: at a thousand captures a
// second that was a tenth of the API's time. A body with a Content-Length is framed by Node's HTTP
// parser to exactly that length, so checking the header is enough; only a body without one
// (chunked) is counted as it is read.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const tooLarge = () =>
  new GraphQLError('Request body too large', { extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } } });

export function useRequestBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (!/^\d+$/.test(contentLength)) {
          throw new GraphQLError('Content-Length header is invalid', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
        if (Number(contentLength) > limit) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((unframed) => {
        let bytes = 0;
        const counted = unframed.body!.pipeThrough(
          new fetchAPI.TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              bytes += chunk.byteLength;
              if (bytes > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return parse(
          new fetchAPI.Request(unframed.url, {
            method: unframed.method,
            headers: unframed.headers,
            body: counted,
            duplex: 'half',
          } as RequestInit),
        );
      });
    },
  };
}
