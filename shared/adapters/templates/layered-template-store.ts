import type { Clock, TemplateRepository, TemplateStore } from '../../app/ports.js';
import type { EmailTemplate } from '../../domain/templates/render.js';

/**
 * The templates the engine sends: a template stored in the table wins, the built-in one of the
 * same id (code) is the fallback. With `ttlMs` > 0 each id is cached per container for that
 * long (also "not stored"), so sends cost no extra read; a change takes effect within `ttlMs`.
 */
export class LayeredTemplateStore implements TemplateStore {
  private readonly builtIn: Map<string, EmailTemplate>;
  private readonly cache = new Map<string, { at: number; template: EmailTemplate | undefined }>();

  constructor(
    private readonly stored: TemplateRepository,
    builtIn: readonly EmailTemplate[],
    private readonly options: { clock: Clock; ttlMs: number },
  ) {
    this.builtIn = new Map(builtIn.map((t) => [t.id, t]));
  }

  async get(id: string): Promise<EmailTemplate | undefined> {
    const now = Date.parse(this.options.clock.now());
    const cached = this.cache.get(id);
    if (cached && now - cached.at < this.options.ttlMs) return cached.template ?? this.builtIn.get(id);
    const stored = (await this.stored.get(id))?.template;
    if (this.options.ttlMs > 0) this.cache.set(id, { at: now, template: stored });
    return stored ?? this.builtIn.get(id);
  }
}
