import { useEffect, useRef, useState } from 'react';
import { api } from '../../shared/api.ts';
import type { RevealAnswer } from '../../shared/model.ts';

/** How long a revealed number stays on screen: long enough to read it out or dial it by hand. */
const SHOWN_FOR_MS = 30_000;
/** Kept with the reveal in the audit trail (the server requires a reason). */
export const CALL_REASON = '网格员联系住户';

type CallState =
  | { status: 'idle' }
  | { status: 'revealing'; residentId: string }
  | { status: 'shown'; residentId: string; phone: string }
  | { status: 'failed'; residentId: string; error: unknown }
  | { status: 'noPhone'; residentId: string };

/**
 * Calling a resident: ask the server for the phone number in clear (audited there: who, whose, why),
 * show it for a short while, and hand it to the phone's dialler through `tel:`. The number lives in
 * this component's state only, never in storage, the URL or history state, and is dropped after
 * SHOWN_FOR_MS or when the page goes away.
 */
export function useCall() {
  const [state, setState] = useState<CallState>({ status: 'idle' });
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  async function call(residentId: string) {
    clearTimeout(timer.current);
    setState({ status: 'revealing', residentId });
    let phone: string | null | undefined;
    try {
      ({ phone } = await api.post<RevealAnswer>(`/api/people/residents/${encodeURIComponent(residentId)}/reveal`, {
        fields: ['phone'],
        reason: CALL_REASON,
      }));
    } catch (error) {
      setState({ status: 'failed', residentId, error });
      return;
    }
    if (!phone) {
      setState({ status: 'noPhone', residentId });
      return;
    }
    setState({ status: 'shown', residentId, phone });
    timer.current = setTimeout(() => setState({ status: 'idle' }), SHOWN_FOR_MS);
    // Spaces and dashes as registered would end up in the dialler; digits and a leading + are what it needs.
    window.location.href = `tel:${phone.replace(/[^\d+]/g, '')}`;
  }

  return { state, call };
}
