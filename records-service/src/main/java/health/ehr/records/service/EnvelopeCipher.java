package health.ehr.records.service;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import com.google.crypto.tink.streamingaead.StreamingAeadParameters;
import health.ehr.events.Ids;
import health.ehr.support.crypto.KeyEncryptionKey;
import health.ehr.support.crypto.KeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.UUID;

/**
 * Envelope encryption of record content: every record gets its own Tink streaming-AEAD keyset
 * (AES256_GCM_HKDF_4KB: small buffers per stream, see
 * docs/benchmarks.md#envelopecipher-tinks-4-kb-segment-template), bound to the record id as associated
 * data; the keyset is stored only wrapped by the current key-encryption key. Destroying the wrapped
 * keyset makes the ciphertext undecryptable for good.
 */
@ApplicationScoped
public class EnvelopeCipher {

    /** Every new record's keyset template (the records benchmark's relay ceiling encrypts with it too). */
    public static final StreamingAeadParameters CONTENT_TEMPLATE =
            PredefinedStreamingAeadParameters.AES256_GCM_HKDF_4KB;

    private final KeyRing keys;

    public EnvelopeCipher(KeyRing keys) {
        this.keys = keys;
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink streaming AEAD is unavailable", e);
        }
    }

    /** A fresh data key for a record, with its wrapped form. */
    public DataKey newDataKey(UUID recordId) {
        try {
            KeysetHandle handle = KeysetHandle.generateNew(CONTENT_TEMPLATE);
            KeyEncryptionKey kek = keys.current();
            byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, kek, aad(recordId));
            return new DataKey(recordId, handle.getPrimitive(RegistryConfiguration.get(), StreamingAead.class),
                    wrapped, kek.id());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a data key", e);
        }
    }

    /** The record's data key, unwrapped. */
    public DataKey unwrap(UUID recordId, byte[] wrapped, String kekId) {
        try {
            KeysetHandle handle = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, keys.byId(kekId), aad(recordId));
            return new DataKey(recordId, handle.getPrimitive(RegistryConfiguration.get(), StreamingAead.class),
                    wrapped, kekId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the data key of record " + recordId + " does not unwrap", e);
        }
    }

    /** The same data key wrapped by the current key-encryption key (rotation; ciphertext untouched). */
    public DataKey rewrap(UUID recordId, byte[] wrapped, String kekId) {
        try {
            KeysetHandle handle = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, keys.byId(kekId), aad(recordId));
            KeyEncryptionKey current = keys.current();
            byte[] rewrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, current, aad(recordId));
            return new DataKey(recordId, null, rewrapped, current.id());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the data key of record " + recordId + " does not re-wrap", e);
        }
    }

    /** The id of the key that wraps everything new. */
    public String currentKekId() {
        return keys.current().id();
    }

    private static byte[] aad(UUID recordId) {
        return Ids.bytes(recordId);
    }

    /** A record's data key: its primitive and its wrapped form. */
    public record DataKey(UUID recordId, StreamingAead aead, byte[] wrapped, String kekId) {

        /** Encrypts what is written to the returned stream into {@code ciphertext}. */
        public OutputStream encrypting(OutputStream ciphertext) throws IOException {
            try {
                return aead.newEncryptingStream(ciphertext, aad(recordId));
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot start encryption", e);
            }
        }

        /**
         * Decrypts {@code ciphertext}; a tampered segment fails with an IOException when the stream
         * reaches it, so nothing read is trusted before a clean end of stream.
         */
        public InputStream decrypting(InputStream ciphertext) throws IOException {
            try {
                return aead.newDecryptingStream(ciphertext, aad(recordId));
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot start decryption", e);
            }
        }
    }
}
