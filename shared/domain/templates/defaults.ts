import type { EmailTemplate } from './render.js';

const scoreLinksHtml = `<table role="presentation" cellpadding="0" cellspacing="4"><tr>
{% for link in survey.links %}<td><a href="{{ link.url }}" style="display:inline-block;padding:8px 10px;border:1px solid #888;border-radius:4px;text-decoration:none">{{ link.score }}</a></td>{% endfor %}
</tr></table>
<p style="color:#666;font-size:12px">0 = not at all likely, 10 = extremely likely</p>`;

const scoreLinksText = `{% for link in survey.links %}{{ link.score }}: {{ link.url }}
{% endfor %}`;

/** The templates the default journeys use. Marketers can replace them. */
export const defaultTemplates: EmailTemplate[] = [
  {
    id: 'survey-nps',
    subject: 'How likely are you to recommend us, {{ profile.name | default: "there" }}?',
    html: `<p>Hi {{ profile.name | default: "there" }},</p>
<p>Thank you for your order {{ trigger.orderId }}. How likely are you to recommend us to a friend?</p>
${scoreLinksHtml}`,
    text: `Hi {{ profile.name | default: "there" }},

Thank you for your order {{ trigger.orderId }}. How likely are you to recommend us to a friend?
Pick a score (0 = not at all likely, 10 = extremely likely):
${scoreLinksText}`,
  },
  {
    id: 'survey-reminder',
    subject: 'One click: how was your order {{ trigger.orderId }}?',
    html: `<p>Hi {{ profile.name | default: "there" }},</p>
<p>We would still love to hear how your order {{ trigger.orderId }} went. It takes one click.</p>
${scoreLinksHtml}`,
    text: `Hi {{ profile.name | default: "there" }},

We would still love to hear how your order {{ trigger.orderId }} went. It takes one click:
${scoreLinksText}`,
  },
  {
    id: 'apology',
    subject: 'We are sorry, {{ profile.name | default: "and we want to fix it" }}',
    html: `<p>Hi {{ profile.name | default: "there" }},</p>
<p>Thank you for your honest answer about order {{ trigger.orderId }}. We are sorry it did not meet your expectations.
A member of our care team will contact you within one business day to make it right.</p>`,
    text: `Hi {{ profile.name | default: "there" }},

Thank you for your honest answer about order {{ trigger.orderId }}. We are sorry it did not meet your expectations.
A member of our care team will contact you within one business day to make it right.`,
  },
  {
    id: 'thank-you-referral',
    subject: 'Thank you, {{ profile.name | default: "friend" }}!',
    html: `<p>Hi {{ profile.name | default: "there" }},</p>
<p>Thank you for recommending us. If a friend would enjoy us too, we would be glad to welcome them.</p>`,
    text: `Hi {{ profile.name | default: "there" }},

Thank you for recommending us. If a friend would enjoy us too, we would be glad to welcome them.`,
  },
];
