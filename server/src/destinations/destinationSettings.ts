// What each destination type takes in `settings` and `credentials` (api-shapes.md, "Destination
// settings and credentials"). Strict: an unknown key is refused, so a credential pasted into
// settings, or a typo, never goes unnoticed.
import { z } from 'zod';
import type { DestinationType } from '../generated/prisma/enums.ts';
import { META_SCHEMA } from './hashing/index.ts';

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL');

/** the most requests one destination may have in flight at once, across all workers */
export const MAX_CONCURRENCY = 64;

const common = {
  apiBaseUrl: httpUrl.optional(),
  batchSize: z.number().int().min(1).max(100_000).optional(),
  requestsPerSecond: z.number().positive().max(100_000).optional(),
  concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).optional(),
};
const accountId = z.string().regex(/^(act_)?\d{1,30}$/, 'must be a numeric account id');
const googleCustomerId = z.string().regex(/^\d{3}-?\d{3}-?\d{4}$/, 'must be a 10-digit customer id');
const token = z.string().min(1).max(4096);
// DMP and Web: which identifiers to send (Meta schema names), all of them by default
const fields = z.array(z.enum(META_SCHEMA)).min(1).optional();

export const settingsSchemas = {
  FACEBOOK_ADS: z
    .object({
      ...common,
      apiVersion: z
        .string()
        .regex(/^v\d+\.\d+$/)
        .optional(),
      adAccountId: accountId,
      pixelId: z
        .string()
        .regex(/^\d{1,30}$/)
        .optional(),
    })
    .strict(),
  GOOGLE_ADS: z
    .object({
      ...common,
      apiVersion: z
        .string()
        .regex(/^v\d+$/)
        .optional(),
      customerId: googleCustomerId,
      loginCustomerId: googleCustomerId.optional(),
      conversionActionId: z
        .string()
        .regex(/^\d{1,30}$/)
        .optional(),
    })
    .strict(),
  LINKEDIN_ADS: z
    .object({
      ...common,
      apiVersion: z
        .string()
        .regex(/^\d{6}$/, 'must be YYYYMM')
        .optional(),
      adAccountId: z.string().regex(/^\d{1,30}$/),
    })
    .strict(),
  DMP: z.object({ ...common, directory: z.string().min(1).max(1024), format: z.enum(['ndjson', 'csv']).optional(), fields }).strict(),
  WEB: z.object({ ...common, url: httpUrl, fields }).strict(),
} satisfies Record<DestinationType, z.ZodType>;

export const credentialsSchemas = {
  FACEBOOK_ADS: z.object({ accessToken: token }).strict(),
  GOOGLE_ADS: z.object({ accessToken: token, developerToken: token }).strict(),
  LINKEDIN_ADS: z.object({ accessToken: token }).strict(),
  DMP: z.object({}).strict(),
  WEB: z.object({ signingSecret: token.optional() }).strict(),
} satisfies Record<DestinationType, z.ZodType>;

/** Types that cannot send anything without credentials. */
export const needsCredentials: Record<DestinationType, boolean> = {
  FACEBOOK_ADS: true,
  GOOGLE_ADS: true,
  LINKEDIN_ADS: true,
  DMP: false,
  WEB: false,
};
