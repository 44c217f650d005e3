// POSTs GraphQL bodies over node:http with kept-alive connections, answering the response's text.
// The load generators share the machine's two cores with what they measure: global fetch cost about
// twice the CPU a request.
import http from 'node:http';

export function graphQLPoster(options: { url: string; apiKey: string; maxSockets: number }): (body: string) => Promise<string> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const { hostname, port, pathname } = new URL(options.url);
  return (body) =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          agent,
          hostname,
          port,
          path: pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${options.apiKey}`,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}
