package io.otpservice.support;

import io.quarkus.redis.datasource.RedisDataSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads everything a Redis holds: key names and values, as text, for comparison and scanning. */
public final class RedisContents {

    private RedisContents() {
    }

    /** Every key with its value rendered as text (hash fields, set members with scores, strings). */
    public static Map<String, String> snapshot(RedisDataSource redis) {
        Map<String, String> result = new TreeMap<>();
        for (String key : keys(redis)) {
            String type = redis.execute("TYPE", key).toString();
            String value = switch (type) {
                case "hash" -> new TreeMap<>(redis.hash(String.class).hgetall(key)).toString();
                case "zset" -> redis.execute("ZRANGE", key, "0", "-1", "WITHSCORES").toString();
                case "string" -> String.valueOf(redis.value(String.class).get(key));
                case "none" -> null;
                default -> type + ":" + redis.execute("DUMP", key);
            };
            if (value != null) {
                result.put(key, value);
            }
        }
        return result;
    }

    public static List<String> keys(RedisDataSource redis) {
        List<String> keys = new ArrayList<>();
        redis.key().scan().toIterable().forEach(keys::add);
        return keys;
    }
}
