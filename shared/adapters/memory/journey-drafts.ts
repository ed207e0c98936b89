import type { DraftExpectation, JourneyDraft, JourneyDrafts } from '../../app/ports.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';

/** Journey drafts in memory, with the revision checks of the DynamoDB store. */
export class MemoryJourneyDrafts implements JourneyDrafts {
  private readonly drafts = new Map<string, JourneyDraft>();

  async get(journeyId: string): Promise<JourneyDraft | undefined> {
    const draft = this.drafts.get(journeyId);
    return draft && structuredClone(draft);
  }

  async list(): Promise<JourneyDraft[]> {
    return [...this.drafts.values()].map((d) => structuredClone(d));
  }

  async save(
    input: { journeyId: string; definition: Record<string, unknown>; at: string },
    expect: DraftExpectation,
  ): Promise<JourneyDraft> {
    const current = this.drafts.get(input.journeyId);
    if (expect === 'new' && current) throw new ConflictError(`journey ${input.journeyId} exists already`);
    if (typeof expect === 'object' && current?.revision !== expect.revision) {
      throw new ConflictError(`journey ${input.journeyId} is not at revision ${expect.revision}`);
    }
    const draft: JourneyDraft = {
      journeyId: input.journeyId,
      definition: structuredClone(input.definition),
      revision: (current?.revision ?? 0) + 1,
      createdAt: current?.createdAt ?? input.at,
      updatedAt: input.at,
      archived: current?.archived ?? false,
      publishedVersion: current?.publishedVersion ?? null,
      publishedRevision: current?.publishedRevision ?? null,
    };
    this.drafts.set(input.journeyId, draft);
    return structuredClone(draft);
  }

  async markPublished(journeyId: string, revision: number, version: number): Promise<void> {
    const draft = this.require(journeyId);
    this.drafts.set(journeyId, { ...draft, publishedVersion: version, publishedRevision: revision });
  }

  async setArchived(journeyId: string, archived: boolean): Promise<void> {
    this.drafts.set(journeyId, { ...this.require(journeyId), archived });
  }

  private require(journeyId: string): JourneyDraft {
    const draft = this.drafts.get(journeyId);
    if (!draft) throw new NotFoundError(`journey ${journeyId} has no draft`);
    return draft;
  }
}
