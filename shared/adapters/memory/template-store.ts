import type { StoredTemplate, TemplateRepository } from '../../app/ports.js';
import type { EmailTemplate } from '../../domain/templates/render.js';

/** Stored templates in memory. */
export class MemoryTemplateRepository implements TemplateRepository {
  private readonly templates = new Map<string, StoredTemplate>();

  async get(id: string): Promise<StoredTemplate | undefined> {
    const stored = this.templates.get(id);
    return stored && structuredClone(stored);
  }

  async list(): Promise<StoredTemplate[]> {
    return [...this.templates.values()].map((t) => structuredClone(t));
  }

  async put(template: EmailTemplate, at: string): Promise<StoredTemplate> {
    const stored = {
      template: structuredClone(template),
      revision: (this.templates.get(template.id)?.revision ?? 0) + 1,
      updatedAt: at,
    };
    this.templates.set(template.id, stored);
    return structuredClone(stored);
  }

  async delete(id: string): Promise<boolean> {
    return this.templates.delete(id);
  }
}
