/**
 * Where omnihub keeps each pickup notice's claim and outcome (docs/identity.md §12); the DynamoDB
 * adapter is functions/lib/adapters/dynamodb-notice-store.ts (`NOTICE#<eventId>` / `NOTICE`).
 */
export type NoticeOutcome =
  | { state: 'sent'; sid: string }
  | { state: 'skipped'; reason: string }
  | { state: 'refused'; code: number; reason: string };

export type HeldNotice = { eventId: string; claimedAt: string } & ({ state: 'claimed' } | NoticeOutcome);

export interface NoticeStore {
  /** 'claimed' the first time; else the notice as held (a claim without an outcome: an earlier attempt crashed or failed). */
  claim(eventId: string, at: string): Promise<{ claimed: true } | { claimed: false; held: HeldNotice }>;
  /** Settles a claim with its outcome (once: a settled notice stays as it is). */
  settle(eventId: string, outcome: NoticeOutcome): Promise<void>;
}
