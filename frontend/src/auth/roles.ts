// The API's roles as UAA scopes (AUTH_VIEWER_SCOPES / AUTH_OPERATOR_SCOPES, these by default).
// The browser uses them only as hints, to hide what a role cannot do; the API enforces them.

import type { ApiError } from '../api/client';

export const VIEWER_SCOPE = 'diego_capacity.viewer';
export const OPERATOR_SCOPE = 'diego_capacity.operator';

export type Role = 'operator' | 'viewer' | 'none';

/** The role a token's scopes give: operator implies viewer. */
export function roleOf(scopes: readonly string[]): Role {
  if (scopes.includes(OPERATOR_SCOPE)) return 'operator';
  if (scopes.includes(VIEWER_SCOPE)) return 'viewer';
  return 'none';
}

/** What to do about a refused request, or null when the error is not about access. */
export function accessHint(error: ApiError): string | null {
  if (error.status === 403) {
    return `Your sign-in lacks the role this needs: ${VIEWER_SCOPE} to read, ${OPERATOR_SCOPE} to plan or import. Ask your UAA administrator to grant it, then sign in again.`;
  }
  if (error.status === 401) return 'The API did not accept your sign-in (missing, expired or invalid token). Sign in again.';
  return null;
}
