package io.otpservice.store;

import io.vertx.redis.client.impl.types.ErrorType;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts of routing: slots, CLUSTER NODES, the merge across views, INFO replication, failure causes. */
class ClusterRoutingTest {

    @Test
    void slotsAreRedisClusterKeySlots() {
        // values of CLUSTER KEYSLOT on a real server
        assertThat(Slots.of("foo")).isEqualTo(12182);
        assertThat(Slots.of("123456789")).isEqualTo(12739);
        assertThat(Slots.of("{user1000}.following")).isEqualTo(Slots.of("{user1000}.followers"));
        assertThat(Slots.of("foo{}{bar}")).isEqualTo(Slots.of("foo{}{bar}")).isNotEqualTo(Slots.of("bar"));
        // every key of a recipient shares the slot of its tag
        assertThat(Slots.of(Keys.livePointer("3f2aabcdef", "login"))).isEqualTo(Slots.of(Keys.recipientSends("3f2aabcdef")))
                .isEqualTo(Slots.of("3f2a"));
    }

    private static final String BEFORE = """
            a1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460
            a2 127.0.0.1:30002@40002 master - 0 1700000000000 2 connected 5461-10922
            a3 127.0.0.1:30003@40003,redis-3.example master - 0 1700000000000 3 connected 10923-16383
            b1 127.0.0.1:30004@40004 slave a1 0 1700000000000 1 connected
            b2 127.0.0.1:30005@40005 slave a2 0 1700000000000 2 connected
            b3 :30006@40006 slave a3 0 1700000000000 3 connected
            """;

    @Test
    void clusterNodesGivesAddressesRolesEpochsAndSlots() {
        ClusterNodes view = ClusterNodes.parse("127.0.0.1:30001", BEFORE);
        assertThat(view.nodes()).hasSize(6);
        ClusterNodes.Node third = view.nodes().get(2);
        assertThat(third.endpoint()).isEqualTo("127.0.0.1:30003");
        assertThat(third.master()).isTrue();
        assertThat(third.epoch()).isEqualTo(3);
        assertThat(third.slots()).containsExactly(new int[] {10923, 16383});
        assertThat(view.nodes().get(5).endpoint()).isEqualTo("127.0.0.1:30006");
        assertThat(view.nodes().get(5).masterId()).isEqualTo("a3");
    }

    @Test
    void afterAFailoverTheNewerEpochWinsWhateverAStaleViewSays() {
        String after = """
                a1 127.0.0.1:30001@40001 master,fail - 0 0 1 disconnected
                a2 127.0.0.1:30002@40002 myself,master - 0 0 2 connected 5461-10922
                a3 127.0.0.1:30003@40003 master - 0 0 3 connected 10923-16383
                b1 127.0.0.1:30004@40004 master - 0 0 7 connected 0-5460
                b2 127.0.0.1:30005@40005 slave a2 0 0 2 connected
                b3 127.0.0.1:30006@40006 slave a3 0 0 3 connected
                """;
        // a node that has not heard of the promotion yet still says a1 serves 0-5460
        ClusterRouter.Topology t = ClusterRouter.merge(List.of(ClusterNodes.parse("127.0.0.1:30003", BEFORE),
                ClusterNodes.parse("127.0.0.1:30002", after)), Map.of("127.0.0.1:30001", 1), 1700000001000L, 32_000);
        assertThat(t.masters()[0]).isEqualTo("127.0.0.1:30004");
        assertThat(t.masters()[5460]).isEqualTo("127.0.0.1:30004");
        assertThat(t.masters()[5461]).isEqualTo("127.0.0.1:30002");
        assertThat(t.covered()).isEqualTo(Slots.COUNT);
        // the promoted master has no replica until INFO says so; the failed node is no longer asked
        assertThat(t.replicas()).containsEntry("127.0.0.1:30004", 0).doesNotContainKey("127.0.0.1:30001");
        assertThat(t.nodes()).doesNotContain("127.0.0.1:30001").contains("127.0.0.1:30004", "127.0.0.1:30006");
    }

    @Test
    void aReplicaCutOffOrFailedStaysPromotableUntilItsDataIsTooOldForAnElection() {
        long now = 1700000100000L;
        String view = """
                a1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460
                a2 127.0.0.1:30002@40002 master - 0 1700000099000 2 connected 5461-10922
                a3 127.0.0.1:30003@40003 master - 0 1700000099000 3 connected 10923-16383
                b1 127.0.0.1:30004@40004 slave,fail a1 1700000080000 1700000080000 1 disconnected
                b2 127.0.0.1:30005@40005 slave a2 0 1700000099500 2 connected
                b3 127.0.0.1:30006@40006 slave,fail a3 1700000000000 1700000000000 3 disconnected
                """;
        ClusterRouter.Topology t = ClusterRouter.merge(List.of(ClusterNodes.parse("127.0.0.1:30001", view)), Map.of(),
                now, ClusterRouter.promotableFor(2_000, 10));
        // b1 failed 20 s ago: within 2 s x 11 + 10 s it can still be elected, so a1's ending changes wait for it
        assertThat(t.promotable()).containsEntry("127.0.0.1:30001", 1).containsEntry("127.0.0.1:30002", 1)
                .doesNotContainKey("127.0.0.1:30003");
        // INFO says no replica would acknowledge; the listed one still makes the change wait
        assertThat(t.replicas()).containsEntry("127.0.0.1:30001", 0);
        // a replica's own view counts as heard from now
        String replicaView = """
                b3 127.0.0.1:30006@40006 myself,slave a3 0 0 3 connected
                a3 127.0.0.1:30003@40003 master - 0 1700000099000 3 connected 0-16383
                """;
        assertThat(ClusterRouter.merge(List.of(ClusterNodes.parse("127.0.0.1:30006", replicaView)), Map.of(), now,
                32_000).promotable()).containsEntry("127.0.0.1:30003", 1);
        assertThat(ClusterRouter.promotableFor(15_000, 0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void onlyOnlineReplicasThatAcknowledgedRecentlyCanAcknowledgeAWait() {
        assertThat(Replication.healthyReplicas("""
                # Replication\r
                role:master\r
                connected_slaves:3\r
                slave0:ip=127.0.0.1,port=30004,state=online,offset=4242,lag=0\r
                slave1:ip=127.0.0.1,port=30005,state=wait_bgsave,offset=0,lag=0\r
                slave2:ip=127.0.0.1,port=30006,state=online,offset=4100,lag=7\r
                slave_read_repl_offset:4242\r
                master_failover_state:no-failover\r
                """)).isEqualTo(1);
        assertThat(Replication.healthyReplicas("role:master\nconnected_slaves:0\n")).isZero();
        assertThat(Replication.healthyReplicas("role:slave\nslave0:ip=x,port=1,state=online,offset=1,lag=0\n")).isZero();
    }

    @Test
    void redirectsAreFoundAlsoInsideAPipelinedCallsError() {
        assertThat(ClusterRouter.Redirect.parse("MOVED 3999 127.0.0.1:6381"))
                .isEqualTo(new ClusterRouter.Redirect(true, 3999, "127.0.0.1:6381"));
        assertThat(ClusterRouter.Redirect.parse("ERR [0] ASK 3999 10.0.0.5:6379\nERR [1] ERR something"))
                .isEqualTo(new ClusterRouter.Redirect(false, 3999, "10.0.0.5:6379"));
        assertThat(ClusterRouter.Redirect.parse("ERR Error running script: MOVED is not a word here")).isNull();
        assertThat(ClusterRouter.Redirect.parse(null)).isNull();
    }

    @Test
    void failuresAreNamedByCauseWithRedisOwnText() {
        assertThat(RedisFailures.cause(ErrorType.create("CLUSTERDOWN The cluster is down"))).isEqualTo("clusterdown");
        assertThat(RedisFailures.cause(ErrorType.create("ERR [0] NOSCRIPT No matching script"))).isEqualTo("noscript");
        assertThat(RedisFailures.text(ErrorType.create("ERR [0] MOVED 3999 127.0.0.1:6381"))).isEqualTo("MOVED 3999 127.0.0.1:6381");
        assertThat(RedisFailures.cause(new ConnectException("Connection refused: /127.0.0.1:30001")))
                .isEqualTo("connection-refused");
        assertThat(RedisFailures.text(new ConnectException("Connection refused: /127.0.0.1:30001")))
                .isEqualTo("Connection refused: /127.0.0.1:30001");
        assertThat(RedisFailures.cause(ErrorType.create("ERR [0] io.vertx.core.VertxException: Connection is closed")))
                .isEqualTo("connection-closed");
        assertThat(RedisFailures.cause(new TimeoutException("no answer within 700 ms"))).isEqualTo("timeout");
        assertThat(RedisFailures.cause(new io.netty.channel.ConnectTimeoutException(
                "connection timed out after 1000 ms: /10.0.0.5:6379"))).isEqualTo("timeout");
        assertThat(RedisFailures.cause(new StoreUnavailableException("x",
                new RedisFailures.ReplicaNotAcknowledged(Duration.ofMillis(500))))).isEqualTo("replica-ack");
        assertThat(RedisFailures.cause(new IllegalStateException("Connection pool reached max wait queue size of 1024")))
                .isEqualTo("pool-full");
        assertThat(RedisFailures.cause(ErrorType.create("ERR Error running script"))).isEqualTo("redis-error");
        assertThat(RedisFailures.cause(ErrorType.create("OOM command not allowed when used memory > 'maxmemory'.")))
                .isEqualTo("oom");
    }
}
