import { useState } from 'react';
import { useLocation } from 'react-router-dom';
import { useAuth } from './auth.tsx';

export interface Credentials {
  username: string;
  password: string;
}

/**
 * The sign-in form's behaviour, shared by the console and the worker H5 page: submit, the last
 * error, whether a request is running, and where to go once signed in.
 */
export function useSignIn() {
  const { me, login } = useAuth();
  const location = useLocation();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const redirectTo = (location.state as { from?: string } | null)?.from ?? '/';

  async function submit({ username, password }: Credentials) {
    setBusy(true);
    setError(undefined);
    try {
      await login(username, password);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return { signedIn: Boolean(me), redirectTo, error, busy, submit };
}
