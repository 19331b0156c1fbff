package health.ehr.records.config;

import io.smallrye.config.ConfigMapping;
import io.quarkus.runtime.configuration.MemorySize;

/** Typed configuration of records-service (prefix {@code records}); defaults in application.properties. */
@ConfigMapping(prefix = "records")
public interface RecordsConfig {

    /** The S3 bucket that holds record ciphertext. */
    String bucket();

    /** The S3 API endpoint (MinIO in production, any S3 server on a laptop). */
    String s3Endpoint();

    /** Largest record content accepted; larger uploads get 413 before they are read. */
    MemorySize maxUploadSize();
}
