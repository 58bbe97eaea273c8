import type { CampaignInfo } from './campaign-engine.js';
import type { LifecycleCommand } from './lifecycle.js';

/**
 * The lifecycle half of a `CampaignEngine`, the same for every engine: each verb is one
 * command that the engine applies atomically in its store (`applyCommand`).
 */
export abstract class LifecycleVerbs {
  /** Now, on the engine's clock. */
  protected abstract now(): number;
  /** Applies a command to a stored campaign and tells every listener. */
  protected abstract applyCommand(
    id: string,
    command: LifecycleCommand,
    at?: number,
  ): Promise<CampaignInfo>;

  /** Starts a draft now, or schedules it (`at` ahead). */
  start(id: string, at?: number): Promise<CampaignInfo> {
    const ahead = at !== undefined && at > this.now();
    return this.applyCommand(id, ahead ? 'schedule' : 'start', at);
  }

  /** No new dials; calls under way go on. */
  pause(id: string): Promise<CampaignInfo> {
    return this.applyCommand(id, 'pause');
  }

  /** Dials again. */
  resume(id: string): Promise<CampaignInfo> {
    return this.applyCommand(id, 'resume');
  }

  /** No new dials ever; calls under way go on and are recorded. */
  cancel(id: string): Promise<CampaignInfo> {
    return this.applyCommand(id, 'cancel');
  }
}
