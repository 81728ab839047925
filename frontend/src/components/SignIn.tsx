import { useEffect, useRef } from 'react';
import type { AuthState } from '../auth/session';
import { OPERATOR_SCOPE, VIEWER_SCOPE } from '../auth/roles';
import { ErrorState } from './States';

interface SignInProps {
  /** Any state but `disabled` and `signed-in` (those show the dashboard). */
  state: AuthState;
  onSignIn: () => void;
  onRetry: () => void;
}

/** Shown instead of the views until the user is signed in: progress, the sign-in button, problems. */
export function SignIn({ state, onSignIn, onRetry }: SignInProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const signedOut = state.status === 'signed-out';
  useEffect(() => {
    // After Sign out or a failure, start keyboard and screen-reader users at the explanation.
    if (signedOut) heading.current?.focus();
  }, [signedOut]);

  if (state.status === 'unavailable') {
    return (
      <section className="view" aria-labelledby="view-title">
        <h1 id="view-title">Sign in</h1>
        <ErrorState title="Cannot read how to sign in" error={state.error} onRetry={onRetry} />
      </section>
    );
  }
  if (state.status !== 'signed-out') {
    const step =
      state.status === 'redirecting'
        ? `Taking you to UAA (${state.uaa}) to sign in…`
        : state.status === 'completing'
          ? `Signing in: getting a token from UAA (${state.uaa})…`
          : 'Reading how the API signs users in…';
    return (
      <div className="state state-loading" role="status" aria-live="polite" data-testid="sign-in-progress">
        <progress className="progress" aria-label="Signing in" />
        <p>{step}</p>
      </div>
    );
  }
  return (
    <section className="view sign-in" aria-labelledby="view-title" data-testid="sign-in-screen">
      <h1 id="view-title" tabIndex={-1} ref={heading}>
        Sign in
      </h1>
      {state.problem && (
        <div className="banner banner-error" role="alert" data-testid="sign-in-problem">
          <p className="banner-heading">{state.problem.title}</p>
          <p className="banner-reason">{state.problem.details}</p>
        </div>
      )}
      {state.message && (
        <p className="notice" role="status" data-testid="sign-in-message">
          {state.message}
        </p>
      )}
      <div className="panel sign-in-panel">
        <p>
          The Diego Capacity Analyzer signs you in with your Cloud Foundry UAA account{state.uaa ? ` at ${state.uaa}` : ''}. Reading needs{' '}
          <code>{VIEWER_SCOPE}</code>; planning scenarios and importing snapshots need <code>{OPERATOR_SCOPE}</code>.
        </p>
        <p className="muted">
          The dashboard keeps its token in this tab’s memory only, never in storage or cookies: a reload signs in through UAA again.
        </p>
        <button type="button" className="button" onClick={onSignIn} data-testid="sign-in">
          {state.problem ? 'Try signing in again' : 'Sign in with UAA'}
        </button>
      </div>
    </section>
  );
}
