package io.otpservice.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which keys the redaction watches, and what it leaves of a malformed value. */
class RedisHostsRedactionTest {

    @Test
    void watchesTheHostsOfTheDefaultAndOfNamedClients() {
        assertThat(RedisHostsRedaction.hostsKey("quarkus.redis.hosts")).isTrue();
        assertThat(RedisHostsRedaction.hostsKey("quarkus.redis.cache.hosts")).isTrue();
        assertThat(RedisHostsRedaction.hostsKey("quarkus.redis.\"my.cache\".hosts")).isTrue();
        assertThat(RedisHostsRedaction.hostsKey("quarkus.redis.a.b.hosts")).isFalse();
        assertThat(RedisHostsRedaction.hostsKey("quarkus.redis.max-pool-size")).isFalse();
        assertThat(RedisHostsRedaction.hostsKey("quarkus.mailer.hosts")).isFalse();
    }

    @Test
    void aMalformedValueIsNotShownAndStaysMalformed() {
        for (String value : java.util.List.of("redis://u:Sek/rit@w%zz@10.0.0.1:6379,redis://10.0.0.2:6379",
                "redis://:Sek,rit@10.0.0.1:6379", "redis://10.0.0.1:6379/0?password=Sek%zzrit", "redis//nohost")) {
            String shown = RedisHostsRedaction.redacted(value);
            assertThat(shown).doesNotContain("Sek").doesNotContain("rit@").doesNotContain("10.0.0");
            assertThat(RedisHostsRedaction.wellFormed(shown)).as(shown).isFalse();
        }
        assertThat(RedisHostsRedaction.wellFormed("redis://u:pa/ss@w%zz@10.0.0.1:6379")).isFalse();
        assertThat(RedisHostsRedaction.wellFormed("redis://10.0.0.1:6379/0?password=se%zzcret")).isFalse();
        assertThat(RedisHostsRedaction.wellFormed("redis//nohost")).isFalse();
    }

    /** What Vert.x accepts passes unchanged: passwords percent-encoded, TLS, a Unix socket. */
    @Test
    void wellFormedValuesPass() {
        for (String value : java.util.List.of("redis://:secret@10.0.0.1:6379", "rediss://u:p%25w@redis.example:6380/2",
                "unix:///run/redis/redis.sock", "redis://10.0.0.1:6379?password=secret")) {
            assertThat(RedisHostsRedaction.wellFormed(value)).as(value).isTrue();
        }
    }
}
