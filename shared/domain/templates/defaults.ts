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
  // Win-back and birthday (marketing): the text part doubles as the SMS of a fallback, so it stays
  // short, and the unsubscribe link shows only in email (`channel` is `email` or `sms`).
  {
    id: 'win-back-offer',
    subject: 'We miss you, {{ profile.name | default: "friend" }}: 15% off your next order',
    html: `<p>Hi {{ profile.name | default: "there" }},</p>
<p>It has been a while, and we would love to see you again. Here is 15% off your next order with the code
<strong>COMEBACK15</strong>, valid for 14 days.</p>
{% if unsubscribeUrl %}<p style="color:#666;font-size:12px">Rather not get offers? <a href="{{ unsubscribeUrl }}">Unsubscribe</a>.</p>{% endif %}`,
    text: `Hi {{ profile.name | default: "there" }}, we miss you! 15% off your next order with code COMEBACK15, valid 14 days.{% if channel == "sms" %} Reply STOP to opt out.{% elsif unsubscribeUrl %}

Unsubscribe: {{ unsubscribeUrl }}{% endif %}`,
    locales: {
      'zh-CN': {
        subject: '{{ profile.name | default: "您好" }}，我们想念您：下单立享 85 折',
        html: `<p>{% if profile.name %}{{ profile.name }}，{% endif %}您好！</p>
<p>好久不见，我们很想念您。下次下单时使用优惠码 <strong>COMEBACK15</strong> 即可享受 85 折，14 天内有效。</p>
{% if unsubscribeUrl %}<p style="color:#666;font-size:12px">不想再收到优惠信息？<a href="{{ unsubscribeUrl }}">退订</a>。</p>{% endif %}`,
        text: `{% if profile.name %}{{ profile.name }}，{% endif %}我们想念您！下单使用优惠码 COMEBACK15 立享 85 折，14 天内有效。{% if channel == "sms" %}回复 TD 退订。{% elsif unsubscribeUrl %}

退订：{{ unsubscribeUrl }}{% endif %}`,
      },
    },
  },
  {
    id: 'win-back-reminder',
    subject: 'Your 15% off is still waiting, {{ profile.name | default: "friend" }}',
    html: `<p>Hi {{ profile.name | default: "there" }},</p>
<p>A quick reminder: the code <strong>COMEBACK15</strong> still takes 15% off your next order, for a few more days.</p>
{% if unsubscribeUrl %}<p style="color:#666;font-size:12px">Rather not get offers? <a href="{{ unsubscribeUrl }}">Unsubscribe</a>.</p>{% endif %}`,
    text: `Hi {{ profile.name | default: "there" }}, a reminder: code COMEBACK15 still takes 15% off your next order, for a few more days.{% if channel == "sms" %} Reply STOP to opt out.{% elsif unsubscribeUrl %}

Unsubscribe: {{ unsubscribeUrl }}{% endif %}`,
    locales: {
      'zh-CN': {
        subject: '{{ profile.name | default: "您好" }}，您的 85 折优惠仍然有效',
        html: `<p>{% if profile.name %}{{ profile.name }}，{% endif %}您好！</p>
<p>温馨提醒：优惠码 <strong>COMEBACK15</strong> 仍可在下次下单时享受 85 折，还剩几天有效。</p>
{% if unsubscribeUrl %}<p style="color:#666;font-size:12px">不想再收到优惠信息？<a href="{{ unsubscribeUrl }}">退订</a>。</p>{% endif %}`,
        text: `{% if profile.name %}{{ profile.name }}，{% endif %}温馨提醒：优惠码 COMEBACK15 仍可享 85 折，还剩几天有效。{% if channel == "sms" %}回复 TD 退订。{% elsif unsubscribeUrl %}

退订：{{ unsubscribeUrl }}{% endif %}`,
      },
    },
  },
  {
    id: 'vip-birthday',
    subject: 'Happy birthday, {{ profile.name | default: "dear friend" }}!',
    html: `<p>Happy birthday, {{ profile.name | default: "dear friend" }}!</p>
<p>Thank you for being one of our most valued customers. To celebrate, your next order ships free with express delivery this week.</p>
{% if unsubscribeUrl %}<p style="color:#666;font-size:12px">Rather not get greetings and offers? <a href="{{ unsubscribeUrl }}">Unsubscribe</a>.</p>{% endif %}`,
    text: `Happy birthday, {{ profile.name | default: "dear friend" }}! Thank you for being one of our most valued customers: your next order ships free with express delivery this week.{% if channel == "sms" %} Reply STOP to opt out.{% elsif unsubscribeUrl %}

Unsubscribe: {{ unsubscribeUrl }}{% endif %}`,
    locales: {
      'zh-CN': {
        subject: '{{ profile.name | default: "亲爱的朋友" }}，生日快乐！',
        html: `<p>{{ profile.name | default: "亲爱的朋友" }}，生日快乐！</p>
<p>感谢您一直以来的支持。为了庆祝您的生日，本周您的下一笔订单将免费享受加急配送。</p>
{% if unsubscribeUrl %}<p style="color:#666;font-size:12px">不想再收到祝福和优惠？<a href="{{ unsubscribeUrl }}">退订</a>。</p>{% endif %}`,
        text: `{{ profile.name | default: "亲爱的朋友" }}，生日快乐！感谢您一直以来的支持：本周您的下一笔订单免费加急配送。{% if channel == "sms" %}回复 TD 退订。{% elsif unsubscribeUrl %}

退订：{{ unsubscribeUrl }}{% endif %}`,
      },
    },
  },
];
