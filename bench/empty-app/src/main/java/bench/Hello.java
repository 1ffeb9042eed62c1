package bench;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import java.util.Map;

/** One endpoint answering from a constant, and one Redis round trip so the client is really used. */
@Path("/")
public class Hello {

    private final ReactiveRedisDataSource redis;

    public Hello(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    @GET
    @Path("hello")
    public Map<String, String> hello() {
        return Map.of("hello", "world");
    }

    @GET
    @Path("ping")
    public Uni<String> ping() {
        return redis.execute("PING").map(Object::toString);
    }
}
