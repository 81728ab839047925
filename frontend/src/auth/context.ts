import { createContext, useContext } from 'react';
import type { SignedInUser } from './session';

/** Who is using the dashboard and what their role lets them do (hints: the API decides). */
export interface Access {
  /** `uaa` when the API needs sign-in; `disabled` when it accepts every request. */
  mode: 'disabled' | 'uaa';
  user: SignedInUser | null;
  /** May plan scenarios and import snapshots (an operator, or anyone without authentication). */
  canOperate: boolean;
}

/** Outside the sign-in gate (tests of a single view), everything is allowed, as with auth disabled. */
export const AccessContext = createContext<Access>({ mode: 'disabled', user: null, canOperate: true });

export function useAccess(): Access {
  return useContext(AccessContext);
}
