package health.ehr.records.client;

import health.ehr.records.config.RecordsConfig;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.errors.ErrorResponseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.util.Optional;

/**
 * Record ciphertext in S3 through MinIO's client: one object per record, written as a multipart
 * upload of unknown length, so that no upload is ever held whole in memory or on disk.
 */
@ApplicationScoped
public class ObjectStore {

    private final MinioClient minio;
    private final String bucket;
    private final long partSize;
    private volatile boolean bucketChecked;

    public ObjectStore(RecordsConfig config) {
        this.minio = MinioClient.builder().endpoint(config.s3Endpoint())
                .credentials(config.s3AccessKey(), config.s3SecretKey()).region("us-east-1").build();
        this.bucket = config.bucket();
        this.partSize = config.partSize().asLongValue();
    }

    /** Stores {@code content} (read to its end) under {@code key}. */
    public void put(String key, InputStream content) throws Exception {
        ensureBucket();
        minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(content, -1, partSize).contentType("application/octet-stream").build());
    }

    /** The object's bytes, or empty when there is no such object. */
    public Optional<InputStream> get(String key) throws Exception {
        try {
            return Optional.of(minio.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()));
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Deletes the object (nothing happens if it does not exist). */
    public void delete(String key) throws Exception {
        minio.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    }

    private void ensureBucket() throws Exception {
        if (!bucketChecked) {
            if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
            bucketChecked = true;
        }
    }
}
