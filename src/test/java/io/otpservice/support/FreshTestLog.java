package io.otpservice.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Empties the test log (target/otp-test.log, and what older runs rotated out of it) when a test run
 * starts, before the first application boots: the test profile appends every boot to that one file,
 * so that {@code SecretScanTest} reads the traffic of the whole run and of no earlier one.
 */
public class FreshTestLog implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Path dir = Path.of("target");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "otp-test.log*")) {
            for (Path log : logs) {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
