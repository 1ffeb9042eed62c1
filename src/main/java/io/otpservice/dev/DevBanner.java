package io.otpservice.dev;

import io.otpservice.api.auth.ApiKeys;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** In dev mode, says which API key works out of the box. */
@Singleton
public class DevBanner {

    static final String DEV_KEY = "dev-api-key";

    void onStart(@Observes StartupEvent event, ApiKeys keys) {
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT && keys.find(DEV_KEY).isPresent()) {
            Logger.getLogger(DevBanner.class).infof("Dev mode: API key '%s' has every scope, e.g. "
                    + "curl -H 'Authorization: Bearer %s' ... (dev profile only)", DEV_KEY, DEV_KEY);
        }
    }
}
