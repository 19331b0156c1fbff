package health.ehr.support.crypto;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/**
 * Key-encryption keys of a service (prefix {@code ehr.kek}): {@code ehr.kek.current} names the
 * key that wraps, {@code ehr.kek.keys.<id>} holds each key as base64 of 32 bytes. Production sets
 * them from a Kubernetes Secret (e.g. {@code EHR_KEK_KEYS__K2_} style environment variables); only
 * the local stack and tests carry a fixed, clearly marked key.
 */
@ConfigMapping(prefix = "ehr.kek")
public interface KeyRingSettings {

    /** Id of the key that wraps everything new. */
    @WithDefault("k1")
    String current();

    /** Every configured key by id (base64 of 32 bytes). */
    Map<String, String> keys();
}
