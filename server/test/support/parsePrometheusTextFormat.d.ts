// The parser ships no types: metric families as prom2json prints them.
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): Array<{
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string; sum?: string; buckets?: Record<string, string> }>;
  }>;
}
