// The API versions each simulated network answers, as the real networks serve them in December 2026:
// Meta keeps the last few Graph/Marketing API versions, Google Ads four majors (about a year each),
// LinkedIn a year of monthly versions. A retired version gets the network's own refusal.
export const SERVED_API_VERSIONS = {
  /** Graph API v25.0 (early 2026) … v27.0 (the newest) */
  facebook: ['v25.0', 'v26.0', 'v27.0'],
  /** Google Ads API v23 (January 2026, sunset February 2027) … v26 (October 2026) */
  google: ['v23', 'v24', 'v25', 'v26'],
  /** LinkedIn-Version YYYYMM, each served for a year */
  linkedin: { oldest: '202511', newest: '202610' },
} as const;

export const servesFacebook = (version: string) => (SERVED_API_VERSIONS.facebook as readonly string[]).includes(version);
export const servesGoogle = (version: string) => (SERVED_API_VERSIONS.google as readonly string[]).includes(version);
/** LinkedIn also takes a dated revision of a month (`YYYYMM.RR`), served as its month */
export const servesLinkedIn = (version: string) => {
  const month = version.slice(0, 6);
  return month >= SERVED_API_VERSIONS.linkedin.oldest && month <= SERVED_API_VERSIONS.linkedin.newest;
};
