package io.otpservice.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayInputStream;

/**
 * Hands the body that {@link BodyLimit} read (and counted) to Quarkus REST, which would otherwise find
 * the request already ended and read an empty body.
 */
public class BufferedBody {

    @ServerRequestFilter(preMatching = true)
    public void handOver(ContainerRequestContext request, RoutingContext rc) {
        Buffer body = rc.get(BodyLimit.BODY);
        if (body != null) {
            request.setEntityStream(new ByteArrayInputStream(body.getBytes()));
        }
    }
}
