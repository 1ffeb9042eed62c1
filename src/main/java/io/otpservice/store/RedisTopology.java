package io.otpservice.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Map;

/**
 * How a call reaches the master that holds its key: {@link OneMaster} (a single Redis, or the master
 * Redis Sentinel names) or {@link ClusterRouter} (Redis Cluster, routed by hash slot). Chosen by
 * {@code quarkus.redis.client-type} in {@link RedisTopologies}.
 */
public interface RedisTopology {

    /** One command to the master of {@code key}'s slot. */
    Future<Response> send(String key, Request request);

    /** The requests in order on ONE connection to that master, pipelined in one round trip. */
    Future<List<Response>> batch(String key, List<Request> requests);

    /** Whether that master has a replica that would acknowledge a {@code WAIT} now. */
    boolean hasReplica(String key);

    /** Where calls for {@code key} go, for logs: {@code host:port}, never a key. */
    String where(String key);

    /**
     * A call failed that went to {@code node} ({@link #where} when it was sent: by the time it fails, its
     * slot may have moved): the topology may have changed, look again soon.
     */
    void failed(String node, Throwable failure);

    /** Whether the service can serve now, with what an operator needs to see why (or why not). */
    Future<State> state();

    void close();

    record State(boolean up, Map<String, Object> data) {
        public State {
            data = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
        }
    }
}
