import { ErrorBlock, SpinLoading } from 'antd-mobile';
import { errorMessage } from '../i18n/index.ts';

/** The three states a page shows instead of its content, alike on every page. */

/** A failed request, in the user's language (server messages are never shown). */
export function Failure({ error }: { error: unknown }) {
  return <ErrorBlock status="default" title={errorMessage(error)} description="" style={{ padding: '0 24px' }} />;
}

/** Nothing to show: say why, and what to do about it when there is something to do. */
export function Empty({ title, description = '' }: { title: string; description?: string }) {
  return <ErrorBlock status="empty" title={title} description={description} style={{ padding: '0 24px' }} />;
}

export function Loading() {
  return <SpinLoading style={{ margin: '30vh auto' }} />;
}
