// The settings and credentials each destination type takes (shared/api-shapes.md, "Destination settings
// and credentials"). Credentials are write-only: the API never returns them.

export interface FieldSpec {
  name: string;
  label: string;
  required?: boolean;
  hint?: string;
  type?: 'text' | 'number' | 'url';
}

const common: FieldSpec[] = [
  { name: 'batchSize', label: 'Batch size', type: 'number', hint: 'records per request; empty for the default' },
  { name: 'requestsPerSecond', label: 'Requests per second', type: 'number', hint: 'across all workers' },
  { name: 'concurrency', label: 'Concurrency', type: 'number' },
];

const apiBase: FieldSpec = { name: 'apiBaseUrl', label: 'API base URL', type: 'url', hint: "empty for the network's public host" };

export const SETTINGS: Record<string, FieldSpec[]> = {
  FACEBOOK_ADS: [
    { name: 'adAccountId', label: 'Ad account id', required: true },
    { name: 'pixelId', label: 'Pixel id', hint: 'required to send conversions' },
    apiBase,
    { name: 'apiVersion', label: 'API version', hint: 'e.g. v27.0' },
    ...common,
  ],
  GOOGLE_ADS: [
    { name: 'customerId', label: 'Customer id', required: true },
    { name: 'loginCustomerId', label: 'Login customer id' },
    { name: 'conversionActionId', label: 'Conversion action id', hint: 'required to send conversions' },
    apiBase,
    { name: 'apiVersion', label: 'API version' },
    ...common,
  ],
  LINKEDIN_ADS: [
    { name: 'adAccountId', label: 'Ad account id', required: true },
    apiBase,
    { name: 'apiVersion', label: 'API version', hint: 'YYYYMM' },
    ...common,
  ],
  DMP: [
    { name: 'directory', label: 'Directory', required: true, hint: 'where batch files are written' },
    { name: 'format', label: 'Format', hint: 'ndjson (default) or csv' },
    ...common,
  ],
  WEB: [{ name: 'url', label: 'Endpoint URL', required: true, type: 'url' }, ...common],
};

export const CREDENTIALS: Record<string, FieldSpec[]> = {
  FACEBOOK_ADS: [{ name: 'accessToken', label: 'Access token', required: true }],
  GOOGLE_ADS: [
    { name: 'accessToken', label: 'Access token', required: true },
    { name: 'developerToken', label: 'Developer token', required: true },
  ],
  LINKEDIN_ADS: [{ name: 'accessToken', label: 'Access token', required: true }],
  DMP: [],
  WEB: [{ name: 'signingSecret', label: 'Signing secret', hint: 'optional; without it no signature header is sent' }],
};

/** the settings shown in the list, most telling first */
export function settingsSummary(type: string, settings: unknown): string {
  const s = (settings ?? {}) as Record<string, unknown>;
  const keys = (SETTINGS[type] ?? []).filter((f) => f.required || f.name === 'apiBaseUrl').map((f) => f.name);
  return keys
    .filter((k) => s[k] != null && s[k] !== '')
    .map((k) => `${k}: ${String(s[k])}`)
    .join(' · ');
}
