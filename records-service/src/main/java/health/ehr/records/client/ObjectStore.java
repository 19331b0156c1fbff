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
import java.util.ArrayDeque;
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
 * multipart upload whose parts are sent in the background, up to {@value #PARTS_IN_FLIGHT} at once,
 * while the next one is being written, so that encrypting and uploading overlap. At most
 * {@value #PARTS_IN_FLIGHT} + 1 part buffers exist per upload; nothing is ever held whole in memory
 * or on disk.
 */
@ApplicationScoped
public class ObjectStore {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    private static final Multimap<String, String> CONTENT_TYPE =
            ImmutableMultimap.of("Content-Type", "application/octet-stream");
    private static final Multimap<String, String> NONE = ImmutableMultimap.of();
    private static final Multimap<String, String> CRC32C_MULTIPART = ImmutableMultimap.of(
            "Content-Type", "application/octet-stream", "x-amz-checksum-algorithm", "CRC32C");
    /**
     * Parts sent at once while the next one is filled: with one the writer waited for S3 to store the
     * previous part; two let the S3 server store one part while it receives the next (measured:
     * docs/benchmarks.md#objectstore-two-parts-in-flight-crc32c-instead-of-md5-and-sha-256).
     */
    static final int PARTS_IN_FLIGHT = 2;
    /** The first part buffer starts this small and doubles, so small records stay small. */
    private static final int FIRST_BUFFER = 64 * 1024;

    private final S3 s3;
    private final String bucket;
    private final int partSize;
    private volatile boolean bucketChecked;

    public ObjectStore(RecordsConfig config) {
        this.s3 = new S3(MinioAsyncClient.builder().endpoint(config.s3Endpoint())
                .httpClient(S3Http.client().newBuilder().addInterceptor(ReadAhead::untimedObjectGets).build())
                .credentials(config.s3AccessKey(), config.s3SecretKey()).region("us-east-1").build(),
                config.s3Checksum() == RecordsConfig.S3Checksum.CRC32C);
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

    /** The object's bytes, read ahead in the background ({@link ReadAhead}), or empty when there is no such object. */
    public Optional<InputStream> get(String key) throws Exception {
        try {
            return Optional.of(ReadAhead.of(
                    s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()).get(), S3Http.TIMEOUT));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrorResponseException error
                    && "NoSuchKey".equals(error.errorResponse().code())) {
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
        /** Parts on their way to S3, oldest first; their buffers are reused once stored. */
        private final ArrayDeque<Sending> inFlight = new ArrayDeque<>();
        private final ArrayDeque<byte[]> free = new ArrayDeque<>();
        private String uploadId;
        private final List<Part> parts = new ArrayList<>();
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
                    while (!inFlight.isEmpty()) {
                        awaitOldest();
                    }
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
                free.clear();
            }
        }

        /** Abandons the object: the multipart upload is aborted; nothing is kept. Never throws. */
        public void abort() {
            closed = true;
            filling = null;
            free.clear();
            // Let the parts in flight end first: a part stored after the abort would outlive it.
            for (Sending part : inFlight) {
                try {
                    part.response().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | RuntimeException e) {
                    // the part failed: nothing of it to clean up
                }
            }
            inFlight.clear();
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
                    uploadId = s3.createMultipartUploadAsync(bucket, null, key,
                            s3.crc ? CRC32C_MULTIPART : CONTENT_TYPE, NONE).get()
                            .result().uploadId();
                }
                while (inFlight.size() >= PARTS_IN_FLIGHT) {
                    awaitOldest();
                }
                byte[] sending = filling;
                int number = parts.size() + inFlight.size() + 1;
                // The part's CRC goes with its request and into the completion list: computed once.
                String checksum = s3.crc ? S3.crc32c(sending, filled) : null;
                inFlight.add(new Sending(sending, number, checksum, s3.uploadPartAsync(bucket, null, key, sending,
                        filled, uploadId, number, checksum == null ? NONE : ImmutableMultimap.of(S3.CHECKSUM, checksum),
                        NONE)));
                filling = free.isEmpty() ? new byte[partSize] : free.pop();
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

        /** Waits for the oldest part in flight to be stored and records it for the completion. */
        private void awaitOldest() throws InterruptedException, ExecutionException {
            Sending oldest = inFlight.peek();
            UploadPartResponse done = oldest.response().get();
            inFlight.poll();
            parts.add(new Part(done.partNumber(), done.etag(), null, oldest.checksum(), null, null, null));
            free.push(oldest.buffer());
        }
    }

    /** A part on its way to S3: its buffer, number, CRC and the answer to come. */
    private record Sending(byte[] buffer, int number, String checksum, CompletableFuture<UploadPartResponse> response) {
    }

    /** Object storage itself failed (not the stream being stored). */
    public static final class StorageException extends IOException {
        StorageException(Throwable cause) {
            super(cause == null ? "object storage failed" : cause.toString(), cause);
        }
    }

    /**
     * MinIO's asynchronous client with its single-request PUT of a byte range opened up, and with the
     * integrity check of object bytes on the way to S3 done by CRC32C instead of MD5 + SHA-256.
     *
     * <p>Over plain HTTP MinIO's client hashes every body twice: MD5 for {@code Content-MD5} and SHA-256
     * for the signature's payload hash (over HTTPS it sends {@code UNSIGNED-PAYLOAD} and keeps MD5).
     * Those two hashes cost the service about as much CPU as encrypting and hashing the content, and
     * the S3 server as much again checking them (profile:
     * docs/benchmarks.md#objectstore-two-parts-in-flight-crc32c-instead-of-md5-and-sha-256). Object PUTs here
     * are signed with {@code UNSIGNED-PAYLOAD} (headers, path and query stay signed) and carry
     * {@code x-amz-checksum-crc32c}, which S3, MinIO and S3Proxy check before storing anything
     * (S3's flexible checksums; the multipart upload declares the algorithm and its completion lists
     * every part's CRC). CRC32C is an intrinsic: a small fraction of MD5's cost. What is stored is
     * AES-GCM ciphertext, so a download detects any later change anyway; the CRC makes a corrupted
     * transfer fail the upload rather than store a record nobody could read. With
     * {@code records.s3-checksum=md5} (stores without flexible checksums) the check is
     * {@code Content-MD5}, still without the SHA-256.
     */
    private static final class S3 extends MinioAsyncClient {

        static final String CHECKSUM = "x-amz-checksum-crc32c";
        /** CRC32C (true) or Content-MD5 (false). */
        final boolean crc;

        S3(MinioAsyncClient client, boolean crc) {
            super(client);
            this.crc = crc;
        }

        @Override
        protected okhttp3.Request createRequest(okhttp3.HttpUrl url, io.minio.http.Method method,
                okhttp3.Headers headers, Object body, int length, io.minio.credentials.Credentials creds)
                throws io.minio.errors.InsufficientDataException, io.minio.errors.InternalException, IOException,
                java.security.NoSuchAlgorithmException {
            if (method != io.minio.http.Method.PUT || !(body instanceof byte[] bytes) || creds == null
                    || url.pathSize() < 2) {
                return super.createRequest(url, method, headers, body, length, creds);
            }
            okhttp3.Request request = super.createRequest(url, method, headers, new byte[0], 0, creds);
            String type = headers == null ? null : headers.get("Content-Type");
            okhttp3.Request.Builder builder = request.newBuilder().header("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
            if (crc) {
                // A part's CRC comes with its headers (the upload needs it for the completion too).
                String given = headers == null ? null : headers.get(CHECKSUM);
                builder.removeHeader("Content-MD5").header(CHECKSUM, given != null ? given : crc32c(bytes, length));
            } else {
                java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
                md5.update(bytes, 0, length);
                builder.header("Content-MD5", java.util.Base64.getEncoder().encodeToString(md5.digest()));
            }
            return builder
                    .method(method.toString(), okhttp3.RequestBody.create(bytes,
                            type == null ? null : okhttp3.MediaType.parse(type), 0, length))
                    .build();
        }

        static String crc32c(byte[] bytes, int length) {
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(bytes, 0, length);
            return java.util.Base64.getEncoder().encodeToString(
                    java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        }

        CompletableFuture<ObjectWriteResponse> put(String bucket, String key, byte[] data, int length)
                throws IOException, io.minio.errors.MinioException, java.security.GeneralSecurityException {
            return putObjectAsync(bucket, null, key, data, length, CONTENT_TYPE, NONE);
        }
    }
}
