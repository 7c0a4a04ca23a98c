import { message } from 'antd';
import { useState } from 'react';
import { errorMessage } from '../../i18n/index.ts';

/**
 * How the registry screens send a change: `busy` while it runs, then `done` as a toast and `then`
 * with the answer, or the reason it was refused (and nothing else, so a form keeps what was typed).
 */
export function useSending() {
  const [busy, setBusy] = useState(false);
  async function send<T>(change: () => Promise<T>, done: string, then: (answer: T) => void): Promise<void> {
    setBusy(true);
    try {
      const answer = await change();
      void message.success(done);
      then(answer);
    } catch (error) {
      void message.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }
  return { busy, send };
}
