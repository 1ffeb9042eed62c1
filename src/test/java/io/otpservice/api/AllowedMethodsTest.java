package io.otpservice.api;

import io.otpservice.api.AllowedMethods.Endpoint;
import io.otpservice.api.twilio.TwilioVerifyResource;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The route table written out in {@link AllowedMethods} is the one the resources' JAX-RS annotations declare. */
class AllowedMethodsTest {

    /** Every resource class of the API, listed apart from the table (the OpenAPI check of AbuseRegressionTest catches a new one). */
    private static final List<Class<?>> RESOURCES = List.of(VerificationResource.class, DeliveryCallbackResource.class,
            JwksResource.class, TwilioVerifyResource.class, FraudResource.class);

    private final AllowedMethods allowed = new AllowedMethods();

    @Test
    void everyResourceMethodIsInTheTableWithItsVerbAndTemplate() {
        Set<Endpoint> declared = new HashSet<>();
        for (Class<?> resource : RESOURCES) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method method : resource.getDeclaredMethods()) {
                String verb = verb(method);
                if (verb != null) {
                    Path sub = method.getAnnotation(Path.class);
                    declared.add(new Endpoint(resource, method.getName(), verb, join(base, sub == null ? "" : sub.value())));
                    assertThat(allowed.template(method)).as(method.toString()).isEqualTo(join(base, sub == null ? "" : sub.value()));
                }
            }
        }
        assertThat(Set.copyOf(AllowedMethods.ENDPOINTS)).isEqualTo(declared);
        assertThat(AllowedMethods.ENDPOINTS).hasSameSizeAs(declared); // no row twice
    }

    @Test
    void aMethodOfNoResourceHasNoTemplate() throws NoSuchMethodException {
        assertThat(allowed.template(Object.class.getMethod("toString"))).isNull();
        assertThat(allowed.template(AllowedMethods.class.getMethod("answering", String.class))).isNull();
    }

    @Test
    void aPathTakesTheMethodsOfEveryRowOfItsTemplate() {
        assertThat(allowed.answering("/v1/verifications/VE0")).containsExactly("DELETE", "GET", "HEAD", "OPTIONS");
        assertThat(allowed.answering("/v2/Services/VA1/Verifications/VE2")).containsExactly("GET", "HEAD", "OPTIONS", "POST");
        assertThat(allowed.answering("/v2/Services/VA1/")).containsExactly("GET", "HEAD", "OPTIONS");
        assertThat(allowed.answering("/v1/verifications/VE0/check/more")).isEmpty();
        assertThat(allowed.answering("/nowhere")).isEmpty();
        assertThat(allowed.templates()).contains("/v1/verifications", "/v1/delivery-callbacks/{provider}",
                "/v1/fraud/blocks/{prefix}", "/.well-known/jwks.json").hasSize(13);
    }

    private static String verb(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static String join(String base, String sub) {
        String path = "/" + base.replaceAll("^/+|/+$", "") + "/" + sub.replaceAll("^/+|/+$", "");
        return path.length() > 1 ? path.replaceAll("/+$", "") : path;
    }
}
