import { page as basePage, escapeHtml } from '../http/pages.js';

const style =
  '.scores{display:flex;flex-wrap:wrap;gap:.3rem}.scores label{border:1px solid #999;border-radius:4px;padding:.4rem .6rem}textarea{width:100%;min-height:6rem}button{margin-top:1rem}';

const page = (title: string, body: string): string => basePage(title, body, style);

/** The page behind a score link: nothing is recorded until the customer confirms. */
export const confirmPage = (action: string, scores: readonly number[], selected: number | null): string =>
  page(
    'Your answer',
    `<h1>Thank you for answering</h1>
<form method="post" action="${escapeHtml(action)}">
<p>How likely are you to recommend us to a friend?</p>
<div class="scores">${scores
      .map(
        (s) =>
          `<label><input type="radio" name="score" value="${s}"${s === selected ? ' checked' : ''} required> ${s}</label>`,
      )
      .join('')}</div>
<p><label for="comment">Anything you would like to tell us? (optional)</label></p>
<textarea id="comment" name="comment" maxlength="2000"></textarea>
<button type="submit">Send my answer</button>
</form>`,
  );

export const thanksPage = (score: number, revision: number): string =>
  page(
    'Thank you',
    `<h1>Thank you!</h1><p>We recorded your answer: ${score}.${
      revision > 1 ? ' It replaces the answer you gave before.' : ''
    }</p>`,
  );
