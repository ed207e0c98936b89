import type { JourneyInput } from '../journey/definition.js';

/**
 * Greet VIP customers on their birthday at 09:00 in their own time zone, every year, by email
 * (by SMS when email is not possible). Marketing: the greeting carries a treat, so it needs an
 * opt-in, counts towards the frequency cap and stops on unsubscribe. The instance waits a year
 * between greetings; a customer who is no longer VIP on the day gets nothing and leaves.
 */
export const vipBirthday: JourneyInput = {
  id: 'vip-birthday',
  name: 'VIP birthday greeting',
  category: 'marketing',
  version: 1,
  trigger: { 'detail-type': ['Customer Profile Updated'] },
  audience: { consent: 'email', when: { tier: ['vip'], profile: { birthday: [{ exists: true }] } } },
  reentry: { allowed: true },
  start: 'birthday',
  steps: {
    birthday: {
      type: 'waitUntil',
      date: 'profile.birthday',
      annual: true,
      time: '09:00',
      onMissing: 'end',
      next: 'still-vip',
    },
    'still-vip': {
      type: 'branch',
      cases: [{ when: { profile: { attributes: { tier: ['vip'] } } }, next: 'greet' }],
      otherwise: 'end',
    },
    greet: { type: 'sendEmail', template: 'vip-birthday', fallback: 'sms', next: 'birthday' },
    end: { type: 'exit' },
  },
  goal: null,
};
