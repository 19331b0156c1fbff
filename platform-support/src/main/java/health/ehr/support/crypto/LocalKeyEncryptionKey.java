package health.ehr.support.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * A key-encryption key held by the service itself: 32 random bytes (base64, from the environment
 * or a Kubernetes Secret, e.g. {@code openssl rand -base64 32}) used as a Tink AES-256-GCM key.
 */
public final class LocalKeyEncryptionKey implements KeyEncryptionKey {

    private final String id;
    private final Aead aead;

    private LocalKeyEncryptionKey(String id, Aead aead) {
        this.id = id;
        this.aead = aead;
    }

    /** The key {@code id} made from {@code base64Key}, which must decode to exactly 32 bytes. */
    public static LocalKeyEncryptionKey fromBase64(String id, String base64Key) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key-encryption key '" + id + "' is not valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("key-encryption key '" + id + "' must be 32 bytes, not " + raw.length);
        }
        try {
            AeadConfig.register();
            AesGcmParameters parameters = AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12)
                    .setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
            AesGcmKey key = AesGcmKey.builder().setParameters(parameters)
                    .setKeyBytes(SecretBytes.copyFrom(raw, InsecureSecretKeyAccess.get())).build();
            KeysetHandle handle = KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.importKey(key).withRandomId().makePrimary()).build();
            return new LocalKeyEncryptionKey(id, handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load key-encryption key '" + id + "'", e);
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return aead.encrypt(plaintext, associatedData);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return aead.decrypt(ciphertext, associatedData);
    }
}
