/**
 * The live backdoor for WuKongIM: the same unified reading as the fake's backdoor, over a real
 * server's own read API (`/cluster/channels/…/{allowlist,denylist,subscribers}` and
 * `/conversation/sync`), with its own small HTTP client so nothing of the adapter is on the path
 * that checks the adapter.
 */
import type { Backdoor } from '../../../src/testing/index.js';
import { backdoorOver, type ChannelLists } from '../fake/backdoor.js';

export interface LiveBlock {
  baseUrl: string;
  token?: string;
}

export function createLiveBackdoor(block: LiveBlock): Backdoor {
  const base = block.baseUrl.replace(/\/$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(block.token ? { token: block.token } : {}) };
  const read = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`WuKongIM ${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`);
    return text === '' ? null : JSON.parse(text);
  };
  const uidList = async (channelId: string, channelType: number, which: string): Promise<string[]> => {
    const rows = await read('GET', `/cluster/channels/${encodeURIComponent(channelId)}/${channelType}/${which}`);
    return Array.isArray(rows) ? rows.map(String) : [];
  };
  const lists: ChannelLists = {
    allowlist: (channelId, channelType) => uidList(channelId, channelType, 'allowlist'),
    denylist: (channelId, channelType) => uidList(channelId, channelType, 'denylist'),
    subscribers: (channelId, channelType) => uidList(channelId, channelType, 'subscribers'),
    conversations: async (uid) => {
      const rows = await read('POST', '/conversation/sync', { uid, version: 0, last_msg_seqs: '', msg_count: 1 });
      if (!Array.isArray(rows)) return [];
      return rows.map((row: { channel_id?: unknown; channel_type?: unknown }) => ({ channelId: String(row.channel_id ?? ''), channelType: Number(row.channel_type ?? 0) }));
    },
  };
  return backdoorOver(lists);
}
