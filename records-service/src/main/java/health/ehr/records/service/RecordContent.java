package health.ehr.records.service;

import health.ehr.records.client.ObjectStore;
import health.ehr.support.rest.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A record's content in object storage: stored through SHA-256 and the record's streaming AEAD in
 * one pass, read back decrypting, deleted. The object of record {@code id} is {@code records/id}.
 */
@ApplicationScoped
public class RecordContent {

    private static final Logger LOG = Logger.getLogger(RecordContent.class);
    private static final int CHUNK = 64 * 1024;

    private final ObjectStore objects;
    private final EnvelopeCipher cipher;

    public RecordContent(ObjectStore objects, EnvelopeCipher cipher) {
        this.objects = objects;
        this.cipher = cipher;
    }

    /**
     * The plaintext through SHA-256 and the record's streaming AEAD into object storage, on the
     * caller's own thread; object storage uploads each full part in the background meanwhile. A
     * failure aborts the object's upload.
     */
    public Stored store(UUID recordId, InputStream content) throws IOException {
        EnvelopeCipher.DataKey key = cipher.newDataKey(recordId);
        MessageDigest sha = sha256();
        ObjectStore.Upload upload = objects.create(objectKey(recordId));
        long size = 0;
        try (InputStream plaintext = content) {
            OutputStream encrypting = key.encrypting(upload);
            byte[] buffer = new byte[CHUNK];
            int n;
            while ((n = plaintext.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
                size += n;
                encrypting.write(buffer, 0, n);
            }
            encrypting.close(); // the last segment
            upload.close(); // the object is stored (idempotent if the cipher stream closed it already)
        } catch (IOException | RuntimeException e) {
            upload.abort();
            throw e;
        }
        return new Stored(size, "0x" + HexFormat.of().formatHex(sha.digest()), key);
    }

    /** The decrypting stream of a record's content; 410 once erased. */
    public InputStream decrypting(ReadableRecord readable) throws Exception {
        if (readable.key() == null) {
            throw DomainException.gone("The record was erased; its content can never be read again.");
        }
        InputStream ciphertext = objects.get(objectKey(readable.record().recordId))
                .orElseThrow(() -> DomainException.gone("The record's content is gone."));
        return readable.key().decrypting(ciphertext);
    }

    /** Recomputes the content hash from storage: the plaintext's SHA-256, or null if it does not decrypt. */
    public String recomputeSha256(ReadableRecord readable) {
        try (InputStream in = decrypting(readable)) {
            MessageDigest sha = sha256();
            byte[] buffer = new byte[CHUNK];
            int n;
            while ((n = in.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
            }
            return "0x" + HexFormat.of().formatHex(sha.digest());
        } catch (DomainException e) {
            throw e;
        } catch (Exception e) {
            LOG.warnf("record %s failed integrity while verifying: %s", readable.record().recordId, e.getMessage());
            return null;
        }
    }

    /** Deletes a record's object; a failure is logged, not thrown (nothing retries it). */
    public void deleteQuietly(UUID recordId) {
        try {
            objects.delete(objectKey(recordId));
        } catch (Exception e) {
            LOG.warnf("could not delete the object of record %s: %s", recordId, e.getMessage());
        }
    }

    private static String objectKey(UUID recordId) {
        return "records/" + recordId;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What storing produced: the plaintext's size and SHA-256, and the record's data key. */
    public record Stored(long size, String sha256, EnvelopeCipher.DataKey key) {
    }
}
