import { randomUUID } from 'node:crypto';
import type { LocalQueueTarget } from './aws-wire.js';

/** A standard queue nobody consumes locally: it keeps what it is sent, for people to look at. */
export class LocalListQueue implements LocalQueueTarget {
  readonly messages: unknown[] = [];

  send(messages: { body: string }[]): string[] {
    return messages.map((m) => {
      let body: unknown = m.body;
      try {
        body = JSON.parse(m.body);
      } catch {
        // keep the raw text
      }
      this.messages.push(body);
      return randomUUID();
    });
  }
}
