package health.ehr.records.client;

import com.google.common.collect.ImmutableMultimap;
import com.google.common.collect.Multimap;
import health.ehr.records.config.RecordsConfig;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.ObjectWriteResponse;
import io.minio.RemoveObjectArgs;
import io.minio.UploadPartResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Part;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * Record ciphertext in S3 through MinIO's client: one object per record. Uploads are written as a
 * stream ({@link #create}): bytes fill a part buffer ({@code records.part-size}); a body that ends
 * inside the first part is stored with one plain PUT of known length, anything longer becomes a
 * multipart upload whose part N is sent in the background while part N+1 is being written, so that
 * encrypting and uploading overlap. At most two part buffers exist per upload; nothing is ever held
 * whole in memory or on disk.
 */
@ApplicationScoped
public class ObjectStore {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    private static final Multimap<String, String> CONTENT_TYPE =
            ImmutableMultimap.of("Content-Type", "application/octet-stream");
    private static final Multimap<String, String> NONE = ImmutableMultimap.of();
    /** The first part buffer starts this small and doubles, so small records stay small. */
    private static final int FIRST_BUFFER = 64 * 1024;

    private final S3 s3;
    private final String bucket;
    private final int partSize;
    private volatile boolean bucketChecked;

    public ObjectStore(RecordsConfig config) {
        this.s3 = new S3(MinioAsyncClient.builder().endpoint(config.s3Endpoint()).httpClient(S3Http.client())
                .credentials(config.s3AccessKey(), config.s3SecretKey()).region("us-east-1").build());
        this.bucket = config.bucket();
        long part = config.partSize().asLongValue();
        if (part < 5L * 1024 * 1024 || part > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("records.part-size must be between 5 MiB and 2 GiB, was " + part);
        }
        this.partSize = (int) part;
    }

    /** A new object under {@code key}: write its bytes, then {@code close()} stores it, or {@code abort()}. */
    public Upload create(String key) throws StorageException {
        try {
            ensureBucket();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(e);
        } catch (Exception e) {
            throw new StorageException(e instanceof ExecutionException ? e.getCause() : e);
        }
        return new Upload(key);
    }

    /** The object's bytes, or empty when there is no such object. */
    public Optional<InputStream> get(String key) throws Exception {
        try {
            return Optional.of(s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()).get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrorResponseException error && "NoSuchKey".equals(error.errorResponse().code())) {
                return Optional.empty();
            }
            throw unwrap(e);
        }
    }

    /** Deletes the object (nothing happens if it does not exist). */
    public void delete(String key) throws Exception {
        try {
            s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build()).get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private void ensureBucket() throws Exception {
        if (!bucketChecked) {
            if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()).get()) {
                s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build()).get();
            }
            bucketChecked = true;
        }
    }

    private static Exception unwrap(ExecutionException e) {
        return e.getCause() instanceof Exception cause ? cause : e;
    }

    /**
     * An object being written. Not thread-safe: one writer. A failure of object storage surfaces as
     * {@link StorageException} from {@code write} or {@code close}; the request stream's own failures
     * are the caller's, who then calls {@link #abort()}.
     */
    public final class Upload extends OutputStream {

        private final String key;
        private byte[] filling = new byte[Math.min(FIRST_BUFFER, partSize)];
        private int filled;
        /** The buffer of the part in flight; reused once that part is stored. */
        private byte[] spare;
        private String uploadId;
        private final List<Part> parts = new ArrayList<>();
        private CompletableFuture<UploadPartResponse> inFlight;
        private long size;
        private boolean closed;

        private Upload(String key) {
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("the upload is closed");
            }
            while (len > 0) {
                if (filled == filling.length && filling.length < partSize) {
                    filling = java.util.Arrays.copyOf(filling, (int) Math.min((long) filling.length * 2, partSize));
                }
                int n = Math.min(len, filling.length - filled);
                System.arraycopy(b, off, filling, filled, n);
                filled += n;
                off += n;
                len -= n;
                size += n;
                if (filled == partSize) {
                    sendPart();
                }
            }
        }

        /** Bytes written so far. */
        public long size() {
            return size;
        }

        /** Stores what was written: one PUT when it fits one part, else the multipart upload's completion. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (uploadId == null) {
                    s3.put(bucket, key, filling, filled).get();
                } else {
                    if (filled > 0) {
                        sendPart();
                    }
                    awaitInFlight();
                    s3.completeMultipartUploadAsync(bucket, null, key, uploadId, parts.toArray(new Part[0]), NONE,
                            NONE).get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
                throw new StorageException(e);
            } catch (ExecutionException | RuntimeException | io.minio.errors.MinioException
                    | java.security.GeneralSecurityException e) {
                abort();
                throw new StorageException(e instanceof ExecutionException ? e.getCause() : e);
            } finally {
                filling = null;
                spare = null;
            }
        }

        /** Abandons the object: the multipart upload is aborted; nothing is kept. Never throws. */
        public void abort() {
            closed = true;
            filling = null;
            spare = null;
            if (inFlight != null) {
                // Let the part in flight end first: a part stored after the abort would outlive it.
                try {
                    inFlight.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | RuntimeException e) {
                    // the part failed: nothing of it to clean up
                }
                inFlight = null;
            }
            if (uploadId != null) {
                try {
                    s3.abortMultipartUploadAsync(bucket, null, key, uploadId, NONE, NONE).get();
                } catch (Exception e) {
                    LOG.warnf("could not abort the multipart upload of %s: %s", key, e.toString());
                }
                uploadId = null;
            }
        }

        private void sendPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUploadAsync(bucket, null, key, CONTENT_TYPE, NONE).get()
                            .result().uploadId();
                }
                awaitInFlight();
                byte[] sending = filling;
                int number = parts.size() + 1;
                inFlight = s3.uploadPartAsync(bucket, null, key, sending, filled, uploadId, number, NONE, NONE);
                filling = spare != null ? spare : new byte[partSize];
                spare = sending;
                filled = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException(e);
            } catch (ExecutionException e) {
                throw new StorageException(e.getCause());
            } catch (io.minio.errors.MinioException | java.security.GeneralSecurityException | RuntimeException e) {
                throw new StorageException(e);
            }
        }

        private void awaitInFlight() throws InterruptedException, ExecutionException {
            if (inFlight != null) {
                UploadPartResponse done = inFlight.get();
                inFlight = null;
                parts.add(new Part(done.partNumber(), done.etag()));
            }
        }
    }

    /** Object storage itself failed (not the stream being stored). */
    public static final class StorageException extends IOException {
        StorageException(Throwable cause) {
            super(cause == null ? "object storage failed" : cause.toString(), cause);
        }
    }

    /** MinIO's asynchronous client with its single-request PUT of a byte range opened up. */
    private static final class S3 extends MinioAsyncClient {

        S3(MinioAsyncClient client) {
            super(client);
        }

        CompletableFuture<ObjectWriteResponse> put(String bucket, String key, byte[] data, int length)
                throws IOException, io.minio.errors.MinioException, java.security.GeneralSecurityException {
            return putObjectAsync(bucket, null, key, data, length, CONTENT_TYPE, NONE);
        }
    }
}
