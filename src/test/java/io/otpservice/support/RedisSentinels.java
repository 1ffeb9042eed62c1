package io.otpservice.support;

import io.otpservice.dev.RedisProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Redis Sentinel on loopback with real processes: a master, two replicas and three Sentinels
 * ({@code redis-server <conf> --sentinel}, the same binary), quorum 2. Ready when every Sentinel knows
 * both replicas and the two other Sentinels, and both replicas are online.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER_NAME = "otp";

    private final List<RedisProcess> data;
    private final List<Process> sentinels;
    private final List<Integer> sentinelPorts;

    private RedisSentinels(List<RedisProcess> data, List<Process> sentinels, List<Integer> sentinelPorts) {
        this.data = data;
        this.sentinels = sentinels;
        this.sentinelPorts = sentinelPorts;
    }

    public static RedisSentinels start(int downAfterMs) {
        List<RedisProcess> data = new ArrayList<>();
        List<Process> sentinels = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            RedisProcess master = RedisProcess.launch();
            data.add(master);
            for (int i = 0; i < 2; i++) {
                data.add(RedisProcess.launch("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            }
            Path binary = RedisProcess.binary();
            for (int i = 0; i < 3; i++) {
                int port = RedisProcess.freePort();
                Path dir = Files.createTempDirectory("otp-sentinel-");
                // a Sentinel rewrites its configuration file, so each has its own
                Path conf = dir.resolve("sentinel.conf");
                Files.writeString(conf, String.join("\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "dir " + dir,
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfterMs,
                        "sentinel failover-timeout " + MASTER_NAME + " 10000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
                sentinels.add(new ProcessBuilder(binary.toString(), conf.toString(), "--sentinel")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sentinel.log").toFile()))
                        .start());
                ports.add(port);
            }
            RedisSentinels set = new RedisSentinels(data, sentinels, ports);
            RedisCluster.await("every Sentinel knows both replicas and the other Sentinels", () -> ports.stream()
                    .allMatch(p -> {
                        Object reply = call(p, "SENTINEL", "MASTER", MASTER_NAME);
                        return reply instanceof List<?> fields && field(fields, "num-slaves").equals("2")
                                && field(fields, "num-other-sentinels").equals("2");
                    })
                    && String.valueOf(Resp.text(master.port(), "INFO", "replication")).split("state=online", -1).length == 3);
            return set;
        } catch (IOException e) {
            data.forEach(RedisProcess::stop);
            sentinels.forEach(Process::destroyForcibly);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            data.forEach(RedisProcess::stop);
            sentinels.forEach(Process::destroyForcibly);
            throw e;
        }
    }

    private static Object call(int port, String... args) {
        try {
            return Resp.call(port, 1_000, args);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String field(List<?> fields, String name) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (name.equals(fields.get(i))) {
                return String.valueOf(fields.get(i + 1));
            }
        }
        return "";
    }

    /** {@code quarkus.redis.hosts}: the Sentinels. */
    public String hosts() {
        return sentinelPorts.stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** The master's port as the first Sentinel that answers names it (changes at +switch-master). */
    public int masterPort() {
        for (int port : sentinelPorts) {
            if (call(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME) instanceof List<?> address) {
                return Integer.parseInt(String.valueOf(address.get(1)));
            }
        }
        throw new IllegalStateException("no Sentinel answered");
    }

    /** The Sentinels' process ids, in the order of {@link #hosts()}. */
    public List<Long> sentinelPids() {
        return sentinels.stream().map(Process::pid).toList();
    }

    /** The data nodes that are not the master now. */
    public List<RedisProcess> replicas() {
        int master = masterPort();
        return data.stream().filter(n -> n.port() != master).toList();
    }

    public RedisProcess node(int port) {
        return data.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        sentinels.forEach(p -> {
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (RedisProcess node : data) {
            try {
                Signals.send("CONT", node.pid());
            } catch (RuntimeException ignored) {
                // not running
            }
            node.stop();
        }
    }
}
