import type { EmailTemplate } from './render.js';

const scoreLinksHtml = `<table role="presentation" cellpadding="0" cellspacing="4"><tr>
{% for link in survey.links %}<td><a href="{{ link.url }}" style="display:inline-block;padding:8px 10px;border:1px solid #888;border-radius:4px;text-decoration:none">{{ link.score }}</a></td>{% endfor %}
</tr></table>
<p style="color:#666;font-size:12px">0 = not at all likely, 10 = extremely likely</p>`;

const scoreLinksText = `{% for link in survey.links %}{{ link.score }}: {{ link.url }}
{% endfor %}`;

const scoreLinksHtmlZh = scoreLinksHtml.replace(
  '0 = not at all likely, 10 = extremely likely',
  '0 = 完全不可能，10 = 非常可能',
);

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
    locales: {
      'zh-CN': {
        subject: '{{ profile.name | default: "您好" }}，您有多大可能向朋友推荐我们？',
        html: `<p>{% if profile.name %}{{ profile.name }}，{% endif %}您好！</p>
<p>感谢您的订单 {{ trigger.orderId }}。您有多大可能向朋友或同事推荐我们？</p>
${scoreLinksHtmlZh}`,
        text: `{% if profile.name %}{{ profile.name }}，{% endif %}您好！

感谢您的订单 {{ trigger.orderId }}。您有多大可能向朋友或同事推荐我们？
请选择一个分数（0 = 完全不可能，10 = 非常可能）：
${scoreLinksText}`,
      },
    },
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
    locales: {
      'zh-CN': {
        subject: '只需点一下：您的订单 {{ trigger.orderId }} 体验如何？',
        html: `<p>{% if profile.name %}{{ profile.name }}，{% endif %}您好！</p>
<p>我们仍然很想知道您的订单 {{ trigger.orderId }} 体验如何，只需点一下。</p>
${scoreLinksHtmlZh}`,
        text: `{% if profile.name %}{{ profile.name }}，{% endif %}您好！

我们仍然很想知道您的订单 {{ trigger.orderId }} 体验如何，只需点一下：
${scoreLinksText}`,
      },
    },
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
    locales: {
      'zh-CN': {
        subject: '{{ profile.name | default: "您好" }}，很抱歉让您失望了',
        html: `<p>{% if profile.name %}{{ profile.name }}，{% endif %}您好！</p>
<p>感谢您就订单 {{ trigger.orderId }} 给出的真实反馈。很抱歉这次没有达到您的期望。
我们的客服团队会在一个工作日内与您联系，为您妥善解决。</p>`,
        text: `{% if profile.name %}{{ profile.name }}，{% endif %}您好！

感谢您就订单 {{ trigger.orderId }} 给出的真实反馈。很抱歉这次没有达到您的期望。
我们的客服团队会在一个工作日内与您联系，为您妥善解决。`,
      },
    },
  },
  {
    id: 'thank-you-referral',
    subject: 'Thank you, {{ profile.name | default: "friend" }}!',
    html: `<p>Hi {{ profile.name | default: "there" }},</p>
<p>Thank you for recommending us. If a friend would enjoy us too, we would be glad to welcome them.</p>`,
    text: `Hi {{ profile.name | default: "there" }},

Thank you for recommending us. If a friend would enjoy us too, we would be glad to welcome them.`,
    locales: {
      'zh-CN': {
        subject: '谢谢您，{{ profile.name | default: "朋友" }}！',
        html: `<p>{% if profile.name %}{{ profile.name }}，{% endif %}您好！</p>
<p>感谢您推荐我们。如果您的朋友也会喜欢我们，我们非常欢迎他们的到来。</p>`,
        text: `{% if profile.name %}{{ profile.name }}，{% endif %}您好！

感谢您推荐我们。如果您的朋友也会喜欢我们，我们非常欢迎他们的到来。`,
      },
    },
  },
];
