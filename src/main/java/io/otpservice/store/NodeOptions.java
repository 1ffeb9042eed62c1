package io.otpservice.store;

import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Vert.x client options of one node our own topology code found (a cluster node, a Sentinel, the master
 * a Sentinel names): Quarkus' settings from {@code quarkus.redis.*} (password, TLS, pool sizes) with the
 * node's address, and the scheme and credentials of the first configured host, as Vert.x' own clients use
 * them.
 */
final class NodeOptions {

    private final RedisOptions base;
    private final URI seed;
    private final Duration timeout;
    /** Whether a node's URI keeps the first host's query ({@code ?password=…}), as the Sentinel client did. */
    private final boolean keepQuery;

    /** {@code what}: what the configured hosts are, for the message when there are none. */
    NodeOptions(RedisOptions base, Duration timeout, boolean keepQuery, String what) {
        if (base.getEndpoints().isEmpty()) {
            throw new IllegalArgumentException("quarkus.redis.hosts: no " + what);
        }
        this.base = base;
        this.seed = URI.create(base.getEndpoints().getFirst());
        this.timeout = timeout;
        this.keepQuery = keepQuery;
    }

    /** The configured hosts as {@code host:port}, each once; {@code defaultPort} where a URI names none. */
    List<String> configured(int defaultPort) {
        return base.getEndpoints().stream().map(e -> hostPort(URI.create(e), defaultPort)).distinct().toList();
    }

    /** {@code withDatabase}: the first host's database number too (never for a Sentinel, which has no SELECT). */
    RedisOptions of(String endpoint, String poolName, boolean withDatabase) {
        RedisOptions options = new RedisOptions(base)
                .setType(RedisClientType.STANDALONE)
                .setEndpoints(new ArrayList<>(List.of(uri(endpoint, withDatabase))))
                .setPoolName(poolName).setMetricsName(RedisTopologies.NODE_METRICS);
        NetClientOptions net = new NetClientOptions(base.getNetClientOptions());
        // a node that drops packets must not hold a connection attempt for the default minute
        if (net.getConnectTimeout() <= 0 || net.getConnectTimeout() > timeout.toMillis()) {
            net.setConnectTimeout((int) timeout.toMillis());
        }
        options.setNetClientOptions(net);
        return options;
    }

    private String uri(String endpoint, boolean withDatabase) {
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon);
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        String userInfo = seed.getRawUserInfo();
        String path = withDatabase && seed.getRawPath() != null ? seed.getRawPath() : "";
        String query = keepQuery && seed.getRawQuery() != null ? "?" + seed.getRawQuery() : "";
        return seed.getScheme() + "://" + (userInfo == null ? "" : userInfo + "@") + host + endpoint.substring(colon)
                + path + query;
    }

    private static String hostPort(URI uri, int defaultPort) {
        String host = uri.getHost();
        if (host != null && host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return host + ":" + (uri.getPort() < 0 ? defaultPort : uri.getPort());
    }
}
