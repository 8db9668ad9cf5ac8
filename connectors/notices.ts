import type { NoticeConnector } from './connector';
import { descriptorOf } from './registry';

/**
 * A messaging connector's notice side, loaded on demand. Notice bundles define
 * OMNIHUB_ENTITY_BUNDLE "notices" (functions/catalog.ts), so every other side folds away.
 */
export async function loadNoticeConnector(id: string): Promise<NoticeConnector | undefined> {
  return descriptorOf(id)?.loadNotices?.();
}
