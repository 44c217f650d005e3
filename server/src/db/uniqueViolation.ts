// A unique index refused the write: pg reports SQLSTATE 23505, Prisma wraps the same refusal as P2002.
// One test for both, so a duplicate name is a CONFLICT whichever client wrote it.
export const isUniqueViolation = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'P2002';
};
