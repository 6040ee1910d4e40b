import { useCallback, useState } from 'react';
import { sendToBackground } from '@/components/use-sites';
import type { UiMessage } from '@/utils/ui-messages';

/**
 * Sends a change to the background (the only writer) and keeps its failure to show beside the control that
 * asked. Success needs no message of its own: the live queries redraw from the stored result.
 */
export function useBackground(): { send: (msg: UiMessage) => Promise<boolean>; error: string | undefined } {
  const [error, setError] = useState<string>();
  const send = useCallback(async (msg: UiMessage) => {
    const reply = await sendToBackground(msg);
    setError(reply.ok ? undefined : `Could not save: ${reply.error ?? 'no answer'}`);
    return reply.ok;
  }, []);
  return { send, error };
}
