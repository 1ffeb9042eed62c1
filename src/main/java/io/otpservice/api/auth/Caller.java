package io.otpservice.api.auth;

import java.util.Set;

/** The API key a request came with (its name, never the key). */
public record Caller(String name, Set<String> scopes) {

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    public boolean may(String scope) {
        return scopes.contains(scope);
    }
}
