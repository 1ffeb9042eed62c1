package io.otpservice.verification;

import io.otpservice.store.StoreUnavailableException;
import io.otpservice.store.StoredVerification;
import io.otpservice.support.OnRedisCluster;
import io.otpservice.support.RedisCluster;
import io.otpservice.support.RedisClusterResource;
import io.otpservice.support.ShardLoad;
import io.otpservice.support.Signals;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One master of a 3-shard Redis Cluster fails under load: killed (kill -9), then another one hung
 * (SIGSTOP, never resumed while measured). Requests for the other shards keep being served at their
 * latency; requests for the hit shard answer 503 within otp.redis.timeout (1 s here) and are served
 * again soon after the cluster reports the replica's promotion; nothing approved or canceled comes
 * back; Redis failures are logged per cause and period, not per request.
 *
 * <p>The figures are asserted loosely (a busy 2-core machine runs this): 95 % where the target is 99 %,
 * 5 s where it is 3 s. {@code bench/failover.sh} prints the exact figures.
 */
@QuarkusTest
@TestProfile(ClusterFailoverTest.FailingOver.class)
@Tag("failover")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverTest extends FailoverScenario {

    /** A cluster that fails over in a few seconds (cluster-node-timeout 2 s) and a 1 s Redis timeout. */
    public static class FailingOver extends OnRedisCluster {
        public FailingOver() {
            super(Map.of("node-timeout", "2000"));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("otp.redis.timeout", "1s", "quarkus.fault-tolerance.global.timeout.value", "5000");
        }
    }

    private static final long TIMEOUT_MS = 1_000;
    /** The shards by slot range, as the test cluster was made: A 0-5460, B 5461-10921, C 10922-16383. */
    private static final Map<String, int[]> SHARDS = new LinkedHashMap<>(Map.of(
            "A", new int[] {0, 5460}, "B", new int[] {5461, 10921}, "C", new int[] {10922, 16383}));

    @TestHTTPResource
    URL base;

    @Test
    @Order(1)
    void aKilledMasterCostsOnlyItsOwnSlotsUntilItsReplicaTakesOver() throws Exception {
        scenario("KILL", "A");
    }

    @Test
    @Order(2)
    void aHungMasterCostsOnlyItsOwnSlotsAndNobodyWaitsForItToComeBack() throws Exception {
        scenario("STOP", "C");
    }

    /**
     * A replica hangs (SIGSTOP) while its master stays up. Once it is back, Redis Cluster may still elect it
     * in its master's place (its data is young enough), without the writes it missed: so a change that ends
     * a verification is never answered on the master's word alone while the replica hangs, even after the
     * master's INFO and the cluster call it lagging or failed. Approvals of its shard answer 503 until it is
     * back, then go through again.
     */
    @Test
    @Order(3)
    void aHungReplicaCostsApprovalsOfItsShardA503UntilItIsBack() {
        RedisCluster cluster = RedisClusterResource.cluster();
        int[] range = SHARDS.get("B");
        int master = cluster.masterOf(range[0], livePort(cluster)).orElseThrow();
        int replica = cluster.replicaOf(master);
        String tag = tags(s -> s >= range[0] && s <= range[1], 1).getFirst();
        assertThat(approve(tag)).as("approved while the replica acknowledges").isEqualTo("approved");

        // past the replica's lag showing in INFO (2 s) and the cluster marking it failed (node timeout 2 s)
        Hang hung = approveWhileHung(tag, List.of(cluster.node(replica).pid()), 8_000);
        System.out.printf("%nSIGSTOP of a replica for %d ms: approvals of its shard answered %s; approved again %d ms "
                + "after it resumed%n", hung.hungMs(), hung.outcomes(), hung.approvedAgainAfterMs());
        assertThat(hung.outcomes()).as("approvals while the replica hangs").isNotEmpty()
                .allMatch(o -> o.startsWith("unavailable: WAIT"));
        assertThat(hung.approvedAgainAt()).as("approvals go through again once it is back").isPositive();
    }

    private void scenario(String signal, String hit) throws Exception {
        RedisCluster cluster = RedisClusterResource.cluster();
        int hitSlot = SHARDS.get(hit)[0];
        int witness = cluster.masterOf(SHARDS.get("B")[0], livePort(cluster)).orElseThrow();
        int victim = cluster.masterOf(hitSlot, witness).orElseThrow();
        int replica = cluster.replicaOf(victim);
        Map<String, List<String>> ids = new LinkedHashMap<>();
        SHARDS.forEach((name, range) -> ids.put(name, ids(tags(s -> s >= range[0] && s <= range[1], 8))));
        Predicate<String> others = shard -> !shard.equals(hit);

        long mark = logMark();
        long start = System.currentTimeMillis();
        long faultAt;
        long reportedAt;
        List<ShardLoad.Sample> samples;
        List<StoredVerification> ended;
        try (ShardLoad load = new ShardLoad(URI.create(base.toString()), ids, 12);
             Endings endings = new Endings(tags(s -> s >= hitSlot && s <= SHARDS.get(hit)[1], 1).getFirst())) {
            sleep(3_000);
            faultAt = System.currentTimeMillis();
            Signals.send(signal, cluster.node(victim).pid());
            reportedAt = awaitPromotion(cluster, hitSlot, witness, replica);
            sleep(6_000);
            samples = load.stop();
            ended = endings.stop();
        } finally {
            if (signal.equals("STOP")) {
                Signals.send("CONT", cluster.node(victim).pid());
            }
        }
        long end = samples.stream().mapToLong(ShardLoad.Sample::at).max().orElseThrow();

        double othersBefore = ShardLoad.servedShare(samples, start + 1_000, faultAt, others);
        double othersAfter = ShardLoad.servedShare(samples, faultAt, end, others);
        long latencyBefore = ShardLoad.medianLatency(samples, start + 1_000, faultAt, others);
        long latencyAfter = ShardLoad.medianLatency(samples, faultAt, end, others);
        long slowest503 = samples.stream().filter(s -> s.shard().equals(hit) && s.status() == 503)
                .mapToLong(ShardLoad.Sample::latencyMs).max().orElse(0);
        long served503 = samples.stream().filter(s -> s.shard().equals(hit) && s.status() == 503).count();
        long firstServedAfterReport = samples.stream().filter(s -> s.shard().equals(hit) && s.served()
                && s.at() >= reportedAt).mapToLong(ShardLoad.Sample::at).min().orElse(Long.MAX_VALUE);
        double hitLastTwoSeconds = ShardLoad.servedShare(samples, end - 2_000, end, hit::equals);
        List<String> log = logSince(mark);
        List<String> warnings = redisWarnings(log);

        System.out.printf("%n%s of the master of shard %s: promotion reported %.1f s after the fault%n%s", signal, hit,
                (reportedAt - faultAt) / 1000.0, ShardLoad.table(samples, faultAt, hit));
        System.out.printf("other shards served %.2f %% before, %.2f %% after; median latency %d ms before, %d ms after%n",
                100 * othersBefore, 100 * othersAfter, latencyBefore, latencyAfter);
        System.out.printf("shard %s: %d answers 503, the slowest in %d ms; served again %d ms after the report; "
                        + "%.1f %% served in the last 2 s; %d Redis warnings logged%n", hit, served503, slowest503,
                firstServedAfterReport - reportedAt, 100 * hitLastTwoSeconds, warnings.size());
        warnings.forEach(System.out::println);

        assertThat(othersAfter).as("other shards served after the fault").isGreaterThanOrEqualTo(0.95);
        assertThat(latencyAfter).as("other shards' median latency after the fault (ms)")
                .isLessThanOrEqualTo(3 * latencyBefore + 100);
        assertThat(slowest503).as("the hit shard's slowest 503 (ms)").isLessThanOrEqualTo(TIMEOUT_MS + 1_500);
        assertThat(firstServedAfterReport - reportedAt).as("the hit shard served again after the promotion (ms)")
                .isLessThanOrEqualTo(5_000);
        assertThat(hitLastTwoSeconds).as("the hit shard served in the last 2 s").isGreaterThanOrEqualTo(0.9);
        assertThat(warnings.size()).as("Redis warnings logged (one per node, cause and 10 s)").isLessThanOrEqualTo(40);
        assertThat(log).noneMatch(line -> line.contains("Unhandled Error"));
        // the promoted replica answers whatever the old master does late (its timeouts must not close the
        // connections to the new one)
        assertThat(warnings).as("failures of the promoted replica").noneMatch(w -> w.contains(":" + replica + ":"));
        assertStillEnded(ended);
    }

    /** When another master's CLUSTER NODES shows the replica serving the slot: the cluster reports the promotion. */
    private static long awaitPromotion(RedisCluster cluster, int slot, int witness, int replica) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (cluster.masterOf(slot, witness).filter(port -> port == replica).isPresent()) {
                return System.currentTimeMillis();
            }
            sleep(50);
        }
        throw new AssertionError("the replica " + replica + " was not promoted within 30 s");
    }

    private static int livePort(RedisCluster cluster) {
        for (int i = 0; i < 6; i++) {
            if (io.otpservice.support.Resp.text(cluster.port(i), "PING") != null) {
                return cluster.port(i);
            }
        }
        throw new IllegalStateException("no live node");
    }
}
