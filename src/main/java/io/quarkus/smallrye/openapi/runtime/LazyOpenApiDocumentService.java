package io.quarkus.smallrye.openapi.runtime;

import io.quarkus.arc.Unremovable;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.quarkus.smallrye.openapi.runtime.filter.AutoSecurityFilter;
import io.smallrye.openapi.runtime.io.Format;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * otp-service: builds the OpenAPI document when {@code /q/openapi} is first asked for, not at start.
 * <p>
 * Quarkus 3.34 prepares it while starting (reading the build-time document and rendering it as JSON
 * and YAML): 8% of the start-up's CPU in a JFR profile, and some 340 classes (SmallRye OpenAPI,
 * SnakeYAML) that nothing else needs. The document is made at build time and no filter of ours runs
 * at run time, so deferring changes nothing of what is served. It lives in Quarkus' package because
 * the method it defers is package-private there; it replaces the stock bean as an alternative, so a
 * Quarkus upgrade that changes that method shows up as a compile error here. Packaged (prod) builds
 * only: there every jar shares one class loader, which a package-private override needs; in dev and
 * test mode Quarkus loads the application apart from the extensions, and the stock service runs.
 */
@IfBuildProfile("prod")
@Alternative
@Unremovable // looked up programmatically by the recorder: ArC would drop it as unused
@Priority(1)
@ApplicationScoped
public class LazyOpenApiDocumentService extends OpenApiDocumentService {

    private final List<Runnable> pending = new ArrayList<>();
    private volatile boolean prepared;

    @Override
    synchronized void prepareDocument(AutoSecurityFilter autoSecurityFilter,
                                      Map<OpenApiFilter.RunStage, List<String>> filters, String documentName) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        pending.add(() -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                super.prepareDocument(autoSecurityFilter, filters, documentName);
            } finally {
                thread.setContextClassLoader(previous);
            }
        });
    }

    @Override
    public byte[] getDocument(String documentName, Format format) {
        if (!prepared) {
            prepare();
        }
        return super.getDocument(documentName, format);
    }

    private synchronized void prepare() {
        if (!prepared) {
            pending.forEach(Runnable::run);
            pending.clear();
            prepared = true;
        }
    }
}
