import { Button, Center, Loader, Stack } from '@mantine/core';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { type Location, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, type AuthProblem, api, type Me, onAuthProblem, type Stage } from './api';
import { ErrorAlert } from './components/PageStatus';

interface SessionValue {
  me: Me;
  /** Replace the session after a call that returns the /me body (switching organisation). */
  setMe: (me: Me) => void;
  /** Fetch /me again, e.g. after enrolling a factor or creating an organisation. */
  refresh: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <RequireSession>');
  return value;
}

export function isManager(me: Me): boolean {
  return me.role === 'owner' || me.role === 'admin';
}

function here(location: Location): string {
  return location.pathname + location.search + location.hash;
}

/** Where a session in `stage` goes next; `next` is carried through the second-factor step. */
export function pathForStage(stage: Stage, next?: string | null): string {
  const query = next && next !== '/' ? `?next=${encodeURIComponent(next)}` : '';
  if (stage === 'mfa') return `/login/mfa${query}`;
  if (stage === 'enrol') return `/enrol${query}`;
  return next || '/';
}

export function loginPath(next?: string | null): string {
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/** Route guard: renders children only for a fully signed-in session, otherwise sends the person on. */
export function RequireSession({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const locationRef = useRef(location);
  locationRef.current = location;
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<unknown>(null);

  // Several requests in flight can fail together; the first decides where to go.
  const leaving = useRef(false);
  const leave = useCallback(
    (problem: AuthProblem | Stage) => {
      if (problem === 'full' || leaving.current) return;
      leaving.current = true;
      const next = here(locationRef.current);
      if (problem === 'unauthenticated' || problem === 'session_expired') {
        void navigate(loginPath(next), { replace: true, state: { expired: problem === 'session_expired' } });
      } else if (problem === 'mfa_required' || problem === 'mfa') {
        void navigate(pathForStage('mfa', next), { replace: true });
      } else if (problem === 'mfa_enrolment_required' || problem === 'enrol') {
        void navigate(pathForStage('enrol', next), { replace: true });
      }
    },
    [navigate],
  );

  const refresh = useCallback(async () => {
    try {
      const current = await api.me();
      setError(null);
      if (current.session.stage === 'full') setMe(current);
      else leave(current.session.stage);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401)
        leave(err.code === 'session_expired' ? 'session_expired' : 'unauthenticated');
      else setError(err);
    }
  }, [leave]);

  useEffect(() => onAuthProblem(leave), [leave]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (error) {
    return (
      <Center h="100vh" p="md">
        <Stack maw={480}>
          <ErrorAlert error={error} title="Attest could not load your session" />
          <Button onClick={() => void refresh()}>Try again</Button>
        </Stack>
      </Center>
    );
  }
  if (!me) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  const replace = (next: Me) => {
    // Switching to an organisation that demands a second factor moves the session back a stage.
    if (next.session.stage === 'full') setMe(next);
    else leave(next.session.stage);
  };
  return <SessionContext.Provider value={{ me, setMe: replace, refresh }}>{children}</SessionContext.Provider>;
}
