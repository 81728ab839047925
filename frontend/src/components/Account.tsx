import type { AuthState } from '../auth/session';
import { OPERATOR_SCOPE, VIEWER_SCOPE, type Role } from '../auth/roles';
import { Tip } from './Tip';

const ROLE_LABEL: Record<Role, string> = { operator: 'operator', viewer: 'viewer (read-only)', none: 'no dashboard role' };

const ROLE_PILL: Record<Role, string> = { operator: 'pill pill-good', viewer: 'pill', none: 'pill pill-bad' };

const ROLE_TIP: Record<Role, string> = {
  operator: `Your token has ${OPERATOR_SCOPE}: you may read every view, plan scenarios and import snapshots.`,
  viewer: `Your token has ${VIEWER_SCOPE} but not ${OPERATOR_SCOPE}: you may read every view; planning and importing are refused.`,
  none: `Your token has neither ${VIEWER_SCOPE} nor ${OPERATOR_SCOPE}: the API refuses every request. Ask your UAA administrator for a role.`,
};

/**
 * The header's account area: who is signed in, their role and Sign out; or, with authentication
 * disabled, a notice saying so.
 */
export function AccountStatus({ state, onSignOut }: { state: AuthState; onSignOut: () => void }) {
  if (state.status === 'disabled') {
    return (
      <p className="account" data-testid="auth-disabled">
        <span className="pill pill-warn">Authentication disabled (demo mode)</span>
        <Tip label="Authentication disabled" align="end">
          The API runs with AUTH_MODE=disabled, as capacity-server --demo does unless given --demo-auth: it answers every request without a
          token, so anyone who can reach it can read and plan. Deployments sign in through UAA.
        </Tip>
      </p>
    );
  }
  if (state.status !== 'signed-in') return null;
  const { user } = state;
  return (
    <div className="account" data-testid="account">
      <span>
        Signed in as <strong data-testid="user-name">{user.name ?? 'an unnamed user'}</strong>
      </span>
      <span className={ROLE_PILL[user.role]} data-testid="user-role">
        {ROLE_LABEL[user.role]}
      </span>
      <Tip label="Your role" align="end">
        {ROLE_TIP[user.role]}
      </Tip>
      <button type="button" className="button button-header" onClick={onSignOut} data-testid="sign-out">
        Sign out
      </button>
    </div>
  );
}
