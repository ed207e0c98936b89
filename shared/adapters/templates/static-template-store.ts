import type { TemplateStore } from '../../app/ports.js';
import type { EmailTemplate } from '../../domain/templates/render.js';

/** Templates kept in code: the defaults that ship with careflow. */
export class StaticTemplateStore implements TemplateStore {
  private readonly byId: Map<string, EmailTemplate>;

  constructor(templates: readonly EmailTemplate[]) {
    this.byId = new Map(templates.map((t) => [t.id, t]));
  }

  async get(id: string): Promise<EmailTemplate | undefined> {
    return this.byId.get(id);
  }
}
