package io.otpservice.support;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads everything a Redis holds: key names and values, as text, for comparison and scanning. */
public final class RedisContents {

    private RedisContents() {
    }

    /** Reads every key, its type and its value on the server, in one call. */
    private static final String ALL = """
            local out = {}
            for _, key in ipairs(redis.call('KEYS', '*')) do
              local t = redis.call('TYPE', key).ok
              local v = {}
              if t == 'hash' then v = redis.call('HGETALL', key)
              elseif t == 'zset' then v = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
              elseif t == 'string' then v = {redis.call('GET', key)}
              elseif t == 'set' then v = redis.call('SMEMBERS', key); table.sort(v)
              elseif t == 'list' then v = redis.call('LRANGE', key, 0, -1)
              end
              out[#out + 1] = key; out[#out + 1] = t; out[#out + 1] = v
            end
            return out
            """;

    /**
     * Every key with its value rendered as text (hash fields sorted, set members with scores, strings,
     * set members sorted, list items), read by one script: a suite's Redis holds thousands of keys, and
     * two calls per key made each before/after comparison cost a tenth of a second.
     */
    public static Map<String, String> snapshot(RedisDataSource redis) {
        Map<String, String> result = new TreeMap<>();
        Response all = redis.execute("EVAL", ALL, "0");
        for (int i = 0; i + 2 < all.size(); i += 3) {
            String key = all.get(i).toString();
            String type = all.get(i + 1).toString();
            Response value = all.get(i + 2);
            List<String> items = new ArrayList<>();
            for (int j = 0; j < value.size(); j++) {
                items.add(value.get(j).toString());
            }
            result.put(key, switch (type) {
                case "hash" -> {
                    Map<String, String> fields = new TreeMap<>();
                    for (int j = 0; j + 1 < items.size(); j += 2) {
                        fields.put(items.get(j), items.get(j + 1));
                    }
                    yield fields.toString();
                }
                case "string" -> items.isEmpty() ? "" : items.getFirst();
                default -> type + ":" + items;
            });
        }
        return result;
    }

    public static List<String> keys(RedisDataSource redis) {
        List<String> keys = new ArrayList<>();
        redis.key().scan().toIterable().forEach(keys::add);
        return keys;
    }
}
