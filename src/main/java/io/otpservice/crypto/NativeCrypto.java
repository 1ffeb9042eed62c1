package io.otpservice.crypto;

import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import io.otpservice.config.OtpConfig;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.jboss.logging.Logger;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

/**
 * Puts a native crypto provider first where one can load: the Amazon Corretto Crypto Provider (AWS-LC
 * through JNI), which signs ES256 about ten times faster than the JDK's SunEC. It ships for
 * linux-x86_64 and linux-aarch64 JVMs; anywhere else (another OS or CPU, a native image, a library that
 * fails its self-test) the JDK's providers stay, with one line saying so. Tokens and HMACs are the
 * same bytes either way: only the speed differs.
 * <p>
 * The provider's own loader copies its 9.6 MB JNI library out of its signed jar at every start, and the
 * JDK checks the SHA-256 of every byte as it reads, in code not yet compiled: a quarter of the start-up's
 * CPU (JFR). The build therefore also unpacks the library to {@code lib/native} beside the jars; when
 * {@code java.library.path} names that directory (the image and the bench set it) the provider loads it
 * from there instead.
 */
@Singleton
@Startup(1)
public final class NativeCrypto {

    private static final Logger LOG = Logger.getLogger(NativeCrypto.class);
    private static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    private static final String LIBRARY = "amazonCorrettoCryptoProvider";
    /** The provider's switch to load its library from java.library.path instead of its jar. */
    private static final String EXTERNAL_LIB = "com.amazon.corretto.crypto.provider.useExternalLib";

    public NativeCrypto(OtpConfig config) {
        String mode = config.crypto().provider();
        Optional<Provider> installed = "jdk".equals(mode) ? Optional.empty() : install();
        if ("native".equals(mode) && installed.isEmpty()) {
            throw new ConfigurationException(
                    "otp.crypto.provider: native, but the native crypto provider cannot load on this platform");
        }
        LOG.infof("Crypto: %s", installed.map(p -> p.getName() + " " + p.getVersionStr() + " (native, first)")
                .orElse("the JDK's providers" + ("jdk".equals(mode) ? " (otp.crypto.provider=jdk)" : "")));
    }

    private static Optional<Provider> install() {
        if (ImageMode.current() == ImageMode.NATIVE_RUN || ImageMode.current() == ImageMode.NATIVE_BUILD) {
            return Optional.empty(); // a JNI library of its own cannot load in a native executable
        }
        Provider existing = Security.getProvider("AmazonCorrettoCryptoProvider");
        if (existing != null) {
            return Optional.of(existing);
        }
        if (System.getProperty(EXTERNAL_LIB) == null && onLibraryPath()) {
            System.setProperty(EXTERNAL_LIB, "true"); // read once, when the provider's loader initialises
        }
        try {
            Class<?> type = Class.forName(ACCP);
            Provider provider = (Provider) type.getField("INSTANCE").get(null);
            // loads the JNI library. Not assertHealthy(): it waits for all the provider's self-tests (five HMACs,
            // most of which we do not use, and its DRBG), which it starts in the background as it loads;
            // 0.1 s of the start (async-profiler). Each algorithm waits for them before its first use; if they
            // fail, the provider refuses every algorithm and the JDK takes each from the next provider.
            Throwable loading = (Throwable) type.getMethod("getLoadingError").invoke(provider);
            if (loading != null) {
                throw new IllegalStateException(loading);
            }
            Security.insertProviderAt(provider, 1);
            reportSelfTests(type, provider);
            return Optional.of(provider);
        } catch (ClassNotFoundException e) {
            return Optional.empty(); // not packaged for this platform
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.infof("Crypto: the native provider did not load here (%s); the JDK's providers are used",
                    cause.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /**
     * Says so, once they are over, if the provider's self-tests failed: it then refuses every algorithm and
     * the JDK's providers serve them instead. Waits for them on the pool they run on, not on the start.
     */
    private static void reportSelfTests(Class<?> type, Provider provider) {
        ForkJoinPool.commonPool().execute(() -> {
            try {
                Object status = type.getMethod("runSelfTests").invoke(provider); // the results of the run under way
                if (!"PASSED".equals(String.valueOf(status))) {
                    LOG.warnf("Crypto: the native provider's self-tests answered %s; the JDK's providers are used", status);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warnf("Crypto: the native provider's self-tests could not be read (%s)", e.getClass().getSimpleName());
            }
        });
    }

    /** Whether the unpacked JNI library is in a directory of java.library.path. */
    private static boolean onLibraryPath() {
        String path = System.getProperty("java.library.path", "");
        String file = System.mapLibraryName(LIBRARY);
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, file))) {
                return true;
            }
        }
        return false;
    }
}
