import type { EmailPreferences, UnsubscribeScope } from '../../shared/app/unsubscribe.js';
import { page as basePage, escapeHtml } from '../http/pages.js';

const style = 'form{margin:1rem 0}.note{color:#555;font-size:.9rem}';

const page = (title: string, body: string): string => basePage(title, body, style);

/**
 * The page behind an unsubscribe link: nothing changes until the customer presses a button
 * (mail scanners that open links unsubscribe nobody; mail clients use the one-click POST).
 */
export const preferencesPage = (action: string, preferences: EmailPreferences): string => {
  const who = preferences.maskedEmail ? ` for ${escapeHtml(preferences.maskedEmail)}` : '';
  const form = (scope: UnsubscribeScope, label: string) =>
    `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="scope" value="${scope}"><button type="submit">${label}</button></form>`;
  const status = !preferences.anyEmail
    ? '<p>You get no email from us.</p>'
    : preferences.marketing
      ? '<p>You get our offers and news, and messages about your orders and requests.</p>'
      : '<p>You get messages about your orders and requests, but no offers or news.</p>';
  return page(
    'Email preferences',
    `<h1>Email preferences${who}</h1>
${status}
${preferences.marketing ? form('marketing', 'Stop offers and news') : ''}
${preferences.anyEmail ? form('all', 'Stop all email') : ''}
<p class="note">Stopping offers and news still lets through messages about your orders, surveys and support requests.
Stopping all email stops those too.</p>`,
  );
};

export const donePage = (scope: UnsubscribeScope): string =>
  page(
    'Unsubscribed',
    scope === 'all'
      ? '<h1>Done</h1><p>You will get no more email from us.</p>'
      : '<h1>Done</h1><p>You will get no more offers or news by email. Messages about your orders and requests still reach you.</p>',
  );
