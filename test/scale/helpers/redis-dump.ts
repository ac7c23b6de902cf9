/**
 * Everything a Redis holds, as someone who can read it (or its dump file) would see
 * it: every key, and every string in it, whatever its type.
 */
import type { Redis } from 'ioredis';

export interface RedisEntry {
  key: string;
  type: string;
  /** Each string the key holds: hash fields and values, list and set members, stream entry fields and values. */
  strings: string[];
}

export async function dumpRedis(client: Redis): Promise<RedisEntry[]> {
  const entries: RedisEntry[] = [];
  for (const key of (await client.keys('*')).sort()) {
    const type = await client.type(key);
    entries.push({ key, type, strings: [key, ...(await stringsOf(client, key, type))] });
  }
  return entries;
}

async function stringsOf(client: Redis, key: string, type: string): Promise<string[]> {
  switch (type) {
    case 'string':
      return [(await client.get(key)) ?? ''];
    case 'hash':
      return Object.entries(await client.hgetall(key)).flat();
    case 'list':
      return client.lrange(key, 0, -1);
    case 'set':
      return client.smembers(key);
    case 'zset':
      return client.zrange(key, '0', '-1');
    case 'stream':
      return (await client.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
    default:
      throw new Error(`dumpRedis: key ${key} has type ${type}, which this dump does not read`);
  }
}
