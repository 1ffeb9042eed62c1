package io.otpservice.support;

import io.otpservice.dev.RedisProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A Redis Cluster of six real redis-server processes on loopback, three masters each with a replica,
 * made with the CLUSTER commands themselves (no {@code redis-cli --cluster}, which a machine with only
 * the embedded-redis binary lacks): SET-CONFIG-EPOCH, ADDSLOTS, MEET, REPLICATE. Ready when every node
 * says {@code cluster_state:ok} and every master has its replica online. About 2 s.
 *
 * <p>{@code cluster-require-full-coverage no}, as production should run: the other shards keep serving
 * while one has no master.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int MASTERS = 3;

    private final List<RedisProcess> nodes;

    private RedisCluster(List<RedisProcess> nodes) {
        this.nodes = nodes;
    }

    public static RedisCluster start(int nodeTimeoutMs) {
        int base = freeBase();
        List<RedisProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * MASTERS; i++) {
                nodes.add(RedisProcess.launchOn(base + i, "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", Integer.toString(nodeTimeoutMs),
                        "--cluster-require-full-coverage", "no"));
            }
            RedisCluster cluster = new RedisCluster(nodes);
            cluster.create();
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(RedisProcess::stop);
            throw e;
        }
    }

    private void create() {
        for (int i = 0; i < nodes.size(); i++) {
            Resp.call(port(i), "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
        }
        int per = 16384 / MASTERS;
        for (int m = 0; m < MASTERS; m++) {
            int first = m * per;
            int last = m == MASTERS - 1 ? 16383 : first + per - 1;
            List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            IntStream.rangeClosed(first, last).forEach(s -> args.add(Integer.toString(s)));
            Resp.call(port(m), args.toArray(String[]::new));
        }
        for (int i = 1; i < nodes.size(); i++) {
            Resp.call(port(i), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(port(0)));
        }
        await("every node knows the other five", () -> IntStream.range(0, nodes.size()).allMatch(i -> {
            String text = Resp.text(port(i), "CLUSTER", "NODES");
            return text != null && text.lines().count() == nodes.size() && !text.contains("handshake");
        }));
        for (int r = MASTERS; r < nodes.size(); r++) {
            String masterId = (String) Resp.call(port(r - MASTERS), "CLUSTER", "MYID");
            Resp.call(port(r), "CLUSTER", "REPLICATE", masterId);
        }
        await("cluster_state:ok everywhere and every replica online", () ->
                IntStream.range(0, nodes.size()).allMatch(i -> String.valueOf(Resp.text(port(i), "CLUSTER", "INFO"))
                        .contains("cluster_state:ok"))
                        && IntStream.range(0, MASTERS).allMatch(m -> String.valueOf(Resp.text(port(m), "INFO", "replication"))
                        .contains("state=online")));
    }

    /** {@code quarkus.redis.hosts}: every node, as an operator would list them. */
    public String hosts() {
        return nodes.stream().map(n -> "redis://127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    public int port(int index) {
        return nodes.get(index).port();
    }

    public RedisProcess node(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    }

    /** The port of the master serving {@code slot}, as the live node at {@code askPort} sees it. */
    public Optional<Integer> masterOf(int slot, int askPort) {
        String text = Resp.text(askPort, "CLUSTER", "NODES");
        if (text == null) {
            return Optional.empty();
        }
        for (String line : text.lines().toList()) {
            String[] f = line.split(" ");
            if (!f[2].contains("master") || f[2].contains("fail") && !f[2].contains("fail?")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue;
                }
                String[] range = f[i].split("-");
                int first = Integer.parseInt(range[0]);
                int last = range.length > 1 ? Integer.parseInt(range[1]) : first;
                if (slot >= first && slot <= last) {
                    return Optional.of(portOf(f[1]));
                }
            }
        }
        return Optional.empty();
    }

    /** The port of the node replicating the master at {@code masterPort}. */
    public int replicaOf(int masterPort) {
        String text = (String) Resp.call(masterPort, "CLUSTER", "NODES");
        String masterId = (String) Resp.call(masterPort, "CLUSTER", "MYID");
        return text.lines().map(l -> l.split(" ")).filter(f -> f[3].equals(masterId)).map(f -> portOf(f[1]))
                .findFirst().orElseThrow();
    }

    private static int portOf(String address) {
        String hostPort = address.split("@")[0];
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    @Override
    public void close() {
        for (RedisProcess node : nodes) {
            try {
                Signals.send("CONT", node.pid());
            } catch (RuntimeException ignored) {
                // not running
            }
            node.stop();
        }
    }

    /** A run of six ports whose cluster bus ports (+10000) are free too, below 55536. */
    private static int freeBase() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
            if (IntStream.range(0, 2 * MASTERS).allMatch(i -> free(base + i) && free(base + i + 10_000))) {
                return base;
            }
        }
        throw new IllegalStateException("no free ports for a Redis Cluster");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis test topology: timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new IOException(e));
            }
        }
    }
}
