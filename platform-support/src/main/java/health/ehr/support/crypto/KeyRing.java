package health.ehr.support.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service's key-encryption keys: the current one wraps everything new; the others stay only
 * to unwrap what they wrapped until a rotation re-wrapped it under the current key, after which
 * they are retired by removing them from configuration.
 */
@ApplicationScoped
public class KeyRing {

    private final Map<String, KeyEncryptionKey> keys = new TreeMap<>();
    private final String current;

    public KeyRing(KeyRingSettings settings) {
        settings.keys().forEach((id, base64) -> {
            // An unset optional slot (e.g. the next key before a rotation) is simply absent.
            if (base64 != null && !base64.isBlank()) {
                keys.put(id, LocalKeyEncryptionKey.fromBase64(id, base64));
            }
        });
        this.current = settings.current();
        if (!keys.containsKey(current)) {
            throw new IllegalStateException("the current key-encryption key '" + current + "' is not configured");
        }
    }

    /** The key that wraps everything new. */
    public KeyEncryptionKey current() {
        return keys.get(current);
    }

    /** The key with {@code id}; fails when it was retired while something still used it. */
    public KeyEncryptionKey byId(String id) {
        KeyEncryptionKey key = keys.get(id);
        if (key == null) {
            throw new IllegalStateException("key-encryption key '" + id + "' is not configured (retired too early?)");
        }
        return key;
    }
}
