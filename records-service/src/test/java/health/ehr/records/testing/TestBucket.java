package health.ehr.records.testing;

import com.google.common.collect.ImmutableMultimap;
import io.minio.ListObjectsArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.messages.Upload;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The S3 bucket the test profile gives records-service ({@code %test.records.bucket}), read straight
 * from the local stack's S3 server: only this test JVM writes to it, so its contents are the tests' own.
 */
public final class TestBucket {

    public static final String NAME = "ehr-records-test";
    public static final MinioClient S3 = MinioClient.builder().endpoint("http://localhost:9000")
            .credentials("ehr-local", "ehr-local-secret").region("us-east-1").build();
    private static final MinioAsyncClient ASYNC = MinioAsyncClient.builder().endpoint("http://localhost:9000")
            .credentials("ehr-local", "ehr-local-secret").region("us-east-1").build();

    static {
        try {
            if (!S3.bucketExists(io.minio.BucketExistsArgs.builder().bucket(NAME).build())) {
                S3.makeBucket(io.minio.MakeBucketArgs.builder().bucket(NAME).build());
            }
        } catch (Exception e) {
            throw new IllegalStateException("the local stack's S3 server is not reachable", e);
        }
    }

    private TestBucket() {
    }

    /** The names of the record objects stored now. */
    public static Set<String> objects() {
        return StreamSupport.stream(S3.listObjects(ListObjectsArgs.builder().bucket(NAME).prefix("records/")
                .recursive(true).build()).spliterator(), false).map(r -> {
                    try {
                        return r.get().objectName();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The objects with a multipart upload begun and neither completed nor aborted. */
    public static Set<String> unfinishedUploads() {
        try {
            return ASYNC.listMultipartUploadsAsync(NAME, null, null, null, null, 1000, "records/", null,
                    ImmutableMultimap.of(), ImmutableMultimap.of()).get().result().uploads().stream()
                    .map(Upload::objectName).collect(Collectors.toCollection(TreeSet::new));
        } catch (Exception e) {
            throw new IllegalStateException("cannot list multipart uploads", e);
        }
    }
}
