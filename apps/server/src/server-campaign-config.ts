import { ConfigError } from './setting-values.js';

/** How `psrkit-server` runs campaigns itself (`--psr-url` and a store). */
export interface ServerCampaignConfig {
  /** PSR's base URL: create-stream is `POST <url>/psr/v1/call/stream`. */
  readonly psrUrl: string;
  readonly psrToken: string;
  /** The embedded engine's file (`--campaign-db`), or none with `--redis-url`. */
  readonly db: string | undefined;
  readonly redisUrl: string | undefined;
  /** The URL PSR dials back for a campaign that names none; none: where the server listens. */
  readonly publicUrl: string | undefined;
}

/**
 * `psrkit-server`'s campaign settings (the values of `SERVER_CAMPAIGN_SETTINGS`, and which
 * were flags), checked: campaigns run with a PSR URL, a token and exactly one store. Returns
 * them and what to warn about.
 * @throws {ConfigError} naming the flag
 */
export function serverCampaignsOf(
  v: Readonly<Record<string, unknown>>,
  fromFlag: ReadonlySet<string>,
  server: { readonly workers: number; readonly adminTokens: readonly unknown[] },
): { campaigns: ServerCampaignConfig | undefined; warnings: string[] } {
  const db = v['campaignDb'] as string | undefined;
  const redisUrl = v['redisUrl'] as string | undefined;
  const psrUrl = v['psrUrl'] as string | undefined;
  const psrToken = v['psrToken'] as string | undefined;
  // Variables alone may be set for psrkit-campaign (PSRKIT_PSR_URL, PSRKIT_CAMPAIGN_DB) or
  // the bot (PSRKIT_REDIS_URL): only flags that cannot work stop the server.
  if (!psrUrl || (!db && !redisUrl)) {
    if (psrUrl && fromFlag.has('psrUrl'))
      throw new ConfigError(
        '--psr-url',
        'needs a store for the campaigns: --campaign-db <file> or --redis-url <url>',
      );
    if (db && fromFlag.has('campaignDb'))
      throw new ConfigError(
        '--campaign-db',
        'needs --psr-url (and --psr-token): campaigns are dialled through create-stream',
      );
    const unused = psrUrl
      ? [
          'PSRKIT_PSR_URL is set but no store is (--campaign-db or --redis-url): the server runs no campaigns',
        ]
      : [];
    return { campaigns: undefined, warnings: unused };
  }
  if (!psrToken)
    throw new ConfigError(
      '--psr-token',
      'required with --psr-url: the create-stream token (or PSRKIT_PSR_TOKEN)',
    );
  if (db && redisUrl)
    throw new ConfigError('--campaign-db', 'one store: --campaign-db or --redis-url, not both');
  if (db && server.workers > 1)
    throw new ConfigError(
      '--campaign-db',
      'one process holds the file: not with --workers (use --redis-url)',
    );
  const warnings =
    server.adminTokens.length === 0
      ? [
          'campaigns without --admin-tokens: no /campaigns page and no /api/campaigns to create or control them',
        ]
      : [];
  return {
    campaigns: { psrUrl, psrToken, db, redisUrl, publicUrl: v['publicUrl'] as string | undefined },
    warnings,
  };
}
