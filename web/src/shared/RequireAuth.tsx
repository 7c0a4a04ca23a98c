import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useAuth } from './auth.tsx';

/** Signed-out visitors go to the app's /login, which sends them back here once signed in. */
export function RequireAuth({ loading, children }: { loading: ReactNode; children: ReactNode }) {
  const { me } = useAuth();
  const location = useLocation();
  if (me === undefined) return loading;
  if (me === null) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}
