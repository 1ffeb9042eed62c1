package io.otpservice.store;

import io.otpservice.dev.RedisProcess;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A single Redis that answers PING but cannot take the service's writes: readiness must say so, not UP
 * while every create answers 503 (real redis-server processes: a master, its replica, a cluster node).
 */
class OneMasterTest {

    private static Vertx vertx;
    private static RedisProcess master;
    private static RedisProcess replica;
    private static RedisProcess clusterNode;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        master = RedisProcess.launch();
        replica = RedisProcess.launch("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        clusterNode = RedisProcess.launch("--cluster-enabled", "yes", "--cluster-config-file",
                "nodes-" + System.nanoTime() + ".conf");
    }

    @AfterAll
    static void stop() throws Exception {
        for (RedisProcess p : new RedisProcess[] {master, replica, clusterNode}) {
            if (p != null) {
                p.stop();
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static RedisTopology.State stateOf(RedisProcess redis) {
        Redis client = Redis.createClient(vertx, "redis://127.0.0.1:" + redis.port());
        OneMaster topology = new OneMaster(vertx, client, "standalone", "127.0.0.1:" + redis.port(), Duration.ofSeconds(1),
                Duration.ofMillis(200), null);
        try {
            // what it learns from INFO arrives with its first refresh
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() ->
                    topology.state().toCompletionStage().toCompletableFuture().get().data().containsKey("error")
                            || redis == master);
            return topology.state().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            topology.close();
            client.close();
        }
    }

    @Test
    void aMasterIsReady() {
        assertThat(stateOf(master).up()).isTrue();
    }

    @Test
    void aReplicaIsNotReadyAndSaysWhy() {
        RedisTopology.State state = stateOf(replica);
        assertThat(state.up()).isFalse();
        assertThat(String.valueOf(state.data().get("error"))).contains("replica").contains("READONLY");
    }

    @Test
    void aClusterNodeNamedAsASingleRedisIsNotReadyAndSaysWhy() {
        RedisTopology.State state = stateOf(clusterNode);
        assertThat(state.up()).isFalse();
        assertThat(String.valueOf(state.data().get("error"))).contains("quarkus.redis.client-type=cluster");
    }
}
