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
    void aMalformedValueLosesItsCredentialsAndStaysMalformed() {
        String value = "redis://u:pa/ss@w%zz@10.0.0.1:6379,redis://10.0.0.2:6379";
        assertThat(RedisHostsRedaction.wellFormed("redis://u:pa/ss@w%zz@10.0.0.1:6379")).isFalse();
        String shown = RedisHostsRedaction.redacted(value);
        assertThat(shown).doesNotContain("pa/ss").doesNotContain("w%zz").doesNotContain("u:")
                .contains("redis://(hidden)@10.0.0.1:6379").contains("redis://10.0.0.2:6379");
        assertThat(RedisHostsRedaction.wellFormed(shown)).isFalse();
        assertThat(RedisHostsRedaction.wellFormed("redis://:secret@10.0.0.1:6379")).isTrue();
        assertThat(RedisHostsRedaction.wellFormed("redis//nohost")).isFalse();
    }
}
