package health.ehr.support.crypto;

import com.google.crypto.tink.Aead;

/**
 * A key-encryption key: wraps the platform's data keys and custodial signing keys. It is a Tink
 * {@link Aead}, so a cloud KMS or Vault key (Tink's KMS integrations give exactly this interface)
 * can replace the local key later without touching the code that wraps and unwraps.
 */
public interface KeyEncryptionKey extends Aead {

    /** The key's id, stored beside everything it wraps so that rotation knows what to re-wrap. */
    String id();
}
